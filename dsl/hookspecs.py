"""The plugin API's stable name for `dsl.extension.hookspecs`: The plugin hooks: `hookimpl` and the hook specifications.

Third-party plugins import `dsl.hookspecs`; the code lives in `dsl.extension.hookspecs` (see
docs/ARCHITECTURE.md for the layers). Everything public there is here.
"""
from dsl.extension.hookspecs import *  # noqa: F401,F403
