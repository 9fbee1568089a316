"""pipedsl: the .pipe language for Amazon SageMaker Model Building Pipelines.

    import dsl
    file = dsl.parse(text)                 # the IR (dsl.ir.File)
    definition = dsl.transpile(text)       # the pipeline definition JSON
    code = dsl.transpile(text, to="sdk")   # any installed emitter
    tidy = dsl.format(text)                # the canonical layout (`pipedsl fmt`)

Problems in the input raise `dsl.PipeError`, which carries every diagnostic.

The names below load on first use, so `import dsl` (and a CLI start) costs next to nothing.
"""
__version__ = "0.2.0"
__all__ = ["parse", "transpile", "analyse", "format", "import_definition", "PipeError", "Diagnostic", "Span", "__version__"]

_LAZY = {"parse": "api", "transpile": "api", "analyse": "api", "PipeError": "api",
         "format": "tools.formatter", "import_definition": "tools.importer", "Diagnostic": "diagnostics",
         "Span": "diagnostics"}


def console() -> None:
    """The `pipedsl` command (console script and `python -m dsl`). Importing this package
    costs next to nothing, so Ctrl-C while the CLI's modules load is caught here: exit 130
    without a traceback, as Ctrl-C at any later moment (dsl.cli.console)."""
    import sys

    try:
        from .cli import console as run
    except KeyboardInterrupt:
        sys.exit(130)
    run()


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dsl' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
