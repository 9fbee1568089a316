"""The plugin API's stable name for `dsl.extension.layout`: Request layouts: `Slot` and the writer and reader of a kind's `Arguments`.

Third-party plugins import `dsl.layout`; the code lives in `dsl.extension.layout` (see
docs/ARCHITECTURE.md for the layers). Everything public there is here.
"""
from dsl.extension.layout import *  # noqa: F401,F403
