"""pipedsl: the .pipe language for Amazon SageMaker Model Building Pipelines.

    import dsl
    file = dsl.parse(text)                 # the IR (dsl.ir.File)
    definition = dsl.transpile(text)       # the pipeline definition JSON
    code = dsl.transpile(text, to="sdk")   # any installed emitter

Problems in the input raise `dsl.PipeError`, which carries every diagnostic.
"""
from .api import PipeError, analyse, parse, transpile
from .diagnostics import Diagnostic, Span

__version__ = "0.1.0"
__all__ = ["parse", "transpile", "analyse", "PipeError", "Diagnostic", "Span", "__version__"]
