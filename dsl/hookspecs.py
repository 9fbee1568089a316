"""The hooks a pipedsl plugin can implement (pluggy project name `pipedsl`)."""
import pluggy

hookspec = pluggy.HookspecMarker("pipedsl")
hookimpl = pluggy.HookimplMarker("pipedsl")


@hookspec
def pipedsl_step_kinds():
    """Return a list of `dsl.kinds.StepKind` objects this plugin adds."""


@hookspec
def pipedsl_emitters():
    """Return a list of `dsl.emitters.Emitter` objects this plugin adds."""
