"""The Lark grammar of the .pipe language (`pipe.lark`), shipped as package data."""
from importlib import resources


def grammar_text() -> str:
    """Return the text of the .pipe grammar."""
    return resources.files(__name__).joinpath("pipe.lark").read_text(encoding="utf-8")
