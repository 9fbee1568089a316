"""Evaluates the model on the test set; writes evaluation.json with the mean squared error."""
import json
import pathlib
import tarfile

import numpy as np
import pandas as pd
import xgboost

if __name__ == "__main__":
    with tarfile.open("/opt/ml/processing/model/model.tar.gz") as tar:
        tar.extractall(path=".")
    model = xgboost.Booster()
    model.load_model("xgboost-model")
    test = pd.read_csv("/opt/ml/processing/test/test.csv", header=None)
    y = test.iloc[:, 0].to_numpy()
    predictions = model.predict(xgboost.DMatrix(test.iloc[:, 1:].values))
    mse = float(np.mean((y - predictions) ** 2))
    report = {"regression_metrics": {"mse": {"value": mse, "standard_deviation": float(np.std(y - predictions))}}}
    pathlib.Path("/opt/ml/processing/evaluation").mkdir(parents=True, exist_ok=True)
    pathlib.Path("/opt/ml/processing/evaluation/evaluation.json").write_text(json.dumps(report))
