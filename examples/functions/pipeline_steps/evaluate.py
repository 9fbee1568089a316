"""The example's steps: plain Python functions, run on SageMaker by `pipedsl deploy`."""


def prepare(rows: int, *, fraction: float = 0.2) -> dict:
    """Split the data and report the sizes."""
    return {"train": int(rows * (1 - fraction)), "test": int(rows * fraction)}


def train(split: dict, learning_rate: float = 0.1) -> dict:
    """Train the model on the training split."""
    return {"model": f"trained on {split['train']} rows", "learning_rate": learning_rate}


def evaluate(model: dict, split: dict) -> dict:
    """Evaluate the model on the test split."""
    return {"metrics": {"rmse": 0.4}, "rows": split["test"], "model": model["model"]}
