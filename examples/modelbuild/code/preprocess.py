"""Feature engineering for the abalone data: split into train, validation and test."""
import argparse
import os

import pandas as pd

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--input-data", type=str, required=True)
    args = parser.parse_args()
    df = pd.read_csv(args.input_data, header=None)
    df = df.sample(frac=1, random_state=42)
    n = len(df)
    train, validation, test = df[: int(0.7 * n)], df[int(0.7 * n): int(0.85 * n)], df[int(0.85 * n):]
    for name, part in (("train", train), ("validation", validation), ("test", test)):
        os.makedirs(f"/opt/ml/processing/{name}", exist_ok=True)
        part.to_csv(f"/opt/ml/processing/{name}/{name}.csv", header=False, index=False)
