"""The SDK v3 migration page is generated from the kinds' layouts and field declarations
(issue 24): the page and the code cannot disagree."""
from conftest import ROOT

from dsl.extension.plugin_manager import build_registry
from dsl.tools.sdk_v3_tables import render


def test_the_migration_page_matches_the_declarations():
    page = (ROOT / "docs" / "SDK-V3.md").read_text(encoding="utf-8")
    generated = render(build_registry(entry_points=False).kinds)
    assert generated in page, "docs/SDK-V3.md is stale: run python tools/gen_sdk_v3_tables.py"


def test_the_tables_say_what_v3_changes_and_refuses():
    generated = render(build_registry(entry_points=False).kinds)
    assert "| `training` | TrainingStep | its own v3 request (below) |" in generated
    assert "| `fail` | FailStep | the same request as v2 |" in generated
    assert "| `automl` | AutoMLStep | SDK v3 cannot write it: " in generated  # (E0321 at the kind)
    function = generated.split("### `function`")[1].split("### ")[0]
    assert "`Environment`: adds `REMOTE_FUNCTION_SECRET_KEY`" in function
    training = generated.split("### `training`")[1].split("### ")[0]
    assert "`DebugHookConfig`" in training and "`rules`: ModelTrainer takes no Debugger or Profiler rules" in training
    assert "`StoppingCondition.MaxRuntimeInSeconds`: " in training and "3600" in training
