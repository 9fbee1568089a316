"""The plugin API's stable name for `dsl.syntax.ir`: The IR node classes a plugin reads (`Step`, `Attribute`, `Ref`, ...).

Third-party plugins import `dsl.ir`; the code lives in `dsl.syntax.ir` (see
docs/ARCHITECTURE.md for the layers). Everything public there is here.
"""
from dsl.syntax.ir import *  # noqa: F401,F403
