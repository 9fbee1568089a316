import os


def model_fn(model_dir):
    return os.path.join(model_dir, "model.joblib")
