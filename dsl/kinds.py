"""The plugin API's stable name for `dsl.extension.kinds`: What a step kind is: `StepKind`, `Field`, `SdkStep`, `Names` and the helpers kinds use.

Third-party plugins import `dsl.kinds`; the code lives in `dsl.extension.kinds` (see
docs/ARCHITECTURE.md for the layers). Everything public there is here.
"""
from dsl.extension.kinds import *  # noqa: F401,F403
