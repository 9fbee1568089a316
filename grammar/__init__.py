"""The Lark grammar of the .pipe language (`pipe.lark`), shipped as package data, and its
generated LALR tables (`_tables.py`, see tools/gen_parser_tables.py)."""
import os

# A plain file read: the package is always installed as files, and importlib.resources with
# pathlib would cost a CLI start about 10 ms.
_HERE = os.path.dirname(os.path.abspath(__file__))


def grammar_text() -> str:
    """Return the text of the .pipe grammar."""
    with open(os.path.join(_HERE, "pipe.lark"), encoding="utf-8") as handle:
        return handle.read()
