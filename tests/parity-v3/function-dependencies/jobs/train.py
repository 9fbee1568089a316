"""The training function of the function-dependencies parity case."""
from typing import Tuple


def train(data_uri: str, epochs: int = 10) -> Tuple[str, float]:
    """Train a model on the data."""
    return data_uri + "/model", 0.9
