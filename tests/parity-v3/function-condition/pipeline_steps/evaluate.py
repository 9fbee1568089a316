"""Functions of the function-condition parity case (never run by the tests: pickled by reference)."""


def prepare(rows: int, *, fraction: float = 0.2) -> dict:
    """Split the data and report the sizes."""
    return {"train": int(rows * (1 - fraction)), "test": int(rows * fraction)}


def evaluate(split, threshold=0.5):
    """Evaluate the model on the test split."""
    return {"metrics": {"rmse": 0.4}, "passed": split["test"] > 0 and threshold < 1}
