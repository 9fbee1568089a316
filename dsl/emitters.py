"""The plugin API's stable name for `dsl.extension.emitters`: What an emitter is: `Emitter`.

Third-party plugins import `dsl.emitters`; the code lives in `dsl.extension.emitters` (see
docs/ARCHITECTURE.md for the layers). Everything public there is here.
"""
from dsl.extension.emitters import *  # noqa: F401,F403
