"""`pipedsl lsp` driven end to end over stdio by a real LSP client (pytest-lsp)."""
import sys

import pytest
import pytest_lsp
from conftest import ROOT
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

import dsl
import dsl.extension.plugin_manager

EXAMPLES = sorted((ROOT / "examples").glob("*.pipe"))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "dsl", "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=ROOT.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def open_document(client, uri, text, version=1):
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="pipe", version=version, text=text)))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


async def change_document(client, uri, text, version):
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


def position_of(text, needle, offset=0):
    """LSP position (UTF-16) just after `offset` characters into the first `needle`."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return lsp.Position(line=line, character=len(text[start:index].encode("utf-16-le")) // 2)


async def complete(client, uri, position):
    result = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=position))
    return {item.label: item for item in result.items}


@pytest.mark.asyncio
async def test_every_example_gets_the_diagnostics_of_check(client):
    for path in EXAMPLES:
        diagnostics = await open_document(client, path.as_uri(), path.read_text())
        _, problems = dsl.analyse(path.read_text(), str(path))
        assert [(d.code, d.range.start.line + 1) for d in diagnostics] == [(p.code, p.span.line) for p in problems]
    broken = "pipeline P {\n step S: fail { error_message = Nope }\n}\n"
    uri = (ROOT / "broken.pipe").as_uri()
    (d,) = await open_document(client, uri, broken)
    assert (d.code, d.range.start.line, d.range.start.character, d.range.end.character) == ("E0203", 1, 32, 36)


@pytest.mark.asyncio
async def test_field_member_and_kind_completion_with_docs(client):
    uri = (ROOT / "completion.pipe").as_uri()
    text = 'pipeline P {\n    default_bucket = "b"\n    step Train: training {\n        \n    }\n    step E: \n}\n'
    await open_document(client, uri, text)
    items = await complete(client, uri, position_of(text, "        \n", 8))
    assert {"image_uri", "instance_type", "hyperparameters", "depends_on", "input", "retry"} <= set(items)
    assert "training image" in items["image_uri"].documentation.value
    assert "`Arguments.AlgorithmSpecification.TrainingImage`" in items["image_uri"].documentation.value
    kinds = await complete(client, uri, position_of(text, "step E: ", 8))
    assert {"training", "processing", "condition", "fail"} <= set(kinds)


@pytest.mark.asyncio
async def test_property_completion_walks_the_shapes_and_execution_variables(client):
    uri = (ROOT / "props.pipe").as_uri()
    text = ('pipeline P {\n    default_bucket = "b"\n    step Train: training {\n        image_uri = "i"\n'
            '        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.large"\n'
            '        instance_count = 1\n    }\n    step F: fail { error_message = Train.ModelArtifacts.S3ModelArtifacts }\n}\n')
    await open_document(client, uri, text)
    items = await complete(client, uri, position_of(text, "Train.ModelArtifacts.", len("Train.ModelArtifacts.")))
    assert "S3ModelArtifacts" in items
    items = await complete(client, uri, position_of(text, "Train.ModelArtifacts", len("Train.")))
    assert {"ModelArtifacts", "TrainingJobName", "FinalMetricDataList"} <= set(items)
    edited = text.replace("error_message = Train.ModelArtifacts.S3ModelArtifacts", "error_message = Execution.")
    await change_document(client, uri, edited, 2)
    items = await complete(client, uri, position_of(edited, "Execution.", len("Execution.")))
    assert {"PipelineExecutionId", "PipelineName"} <= set(items)


@pytest.mark.asyncio
async def test_a_function_steps_property_is_its_result(client):
    """Issue 23: after `Evaluate.` the editor offers `result` (not a botocore shape)."""
    uri = (ROOT / "function_props.pipe").as_uri()
    text = ('pipeline P {\n    default_bucket = "b"\n    region = "us-east-1"\n    step Evaluate: function {\n'
            '        call = "steps:evaluate"\n        description = "d"\n        instance_type = "ml.m5.large"\n'
            '        role = "arn:aws:iam::123456789012:role/R"\n        image_uri = "i"\n    }\n'
            '    step F: fail { error_message = Evaluate.result }\n}\n')
    await open_document(client, uri, text)
    items = await complete(client, uri, position_of(text, "Evaluate.result", len("Evaluate.")))
    assert set(items) == {"result"}


@pytest.mark.asyncio
async def test_a_broken_file_gets_located_diagnostics_and_completion_still_works(client):
    uri = (ROOT / "unfinished.pipe").as_uri()
    assert list(await open_document(client, uri, "pipeline P {\n    param InstanceCount: Integer = 1\n}\n")) == []
    text = 'pipeline P {\n    param InstanceCount: Integer = 1\n    step Train: training {\n        ima\n'
    diagnostics = await change_document(client, uri, text, 2)  # one round trip after the edit
    assert [(d.code, d.range.start.line, d.range.start.character) for d in diagnostics] == [("E0001", 4, 0)]
    items = await complete(client, uri, position_of(text, "        ima", 11))
    assert "image_uri" in items  # inside the unfinished step


@pytest.mark.asyncio
async def test_field_completion_with_docs_inside_every_kind(client):
    registry_kinds = sorted(dsl.extension.plugin_manager.default_registry().kinds.items())
    text = "pipeline P {\n" + "".join(f"    step S{i}: {name} {{\n        \n    }}\n"
                                      for i, (name, _) in enumerate(registry_kinds)) + "}\n"
    uri = (ROOT / "kinds.pipe").as_uri()
    await open_document(client, uri, text)
    lines = text.split("\n")
    for i, (name, kind) in enumerate(registry_kinds):
        line = lines.index(f"    step S{i}: {name} {{") + 1
        items = await complete(client, uri, lsp.Position(line=line, character=8))
        assert set(kind.fields) <= set(items), name
        documented = [f for f, field in kind.fields.items() if field.doc]
        assert all(field_doc in items[f].documentation.value
                   for f in documented for field_doc in [kind.fields[f].doc]), name


@pytest.mark.asyncio
async def test_hover_definition_references_symbols(client):
    path = ROOT / "examples" / "churn.pipe"
    text = path.read_text()
    uri = path.as_uri()
    await open_document(client, uri, text)
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(text, "instance_count", 2)))
    assert "how many training instances" in hover.contents.value and "SDK keyword: `instance_count`" in hover.contents.value
    use = position_of(text, "= InstanceCount", 4)
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri),
                                                                   position=use))
    assert "param InstanceCount" in hover.contents.value
    found = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=use))
    declared = position_of(text, "param InstanceCount", len("param "))
    assert (found.range.start.line, found.range.start.character) == (declared.line, declared.character)
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=use,
        context=lsp.ReferenceContext(include_declaration=True)))
    assert len(refs) == 1 + text.count("= InstanceCount")
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri)))
    pipeline = [s for s in symbols if s.detail == "pipeline"][0]
    assert {"Train", "Evaluate", "InstanceCount"} <= {c.name for c in pipeline.children}


@pytest.mark.asyncio
async def test_formatting_and_quick_fixes(client):
    uri = (ROOT / "messy.pipe").as_uri()
    text = "pipeline P {\nparam InstanceCount: Integer = 1\nstep S: fail {   error_message=InstanceCont}\n}\n"
    (diagnostic,) = await open_document(client, uri, text)
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), options=lsp.FormattingOptions(tab_size=4, insert_spaces=True)))
    assert edits[0].new_text == dsl.format(text)
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=lsp.CodeActionContext(diagnostics=[diagnostic])))
    (action,) = actions
    (edit,) = action.edit.changes[uri]
    assert edit.new_text == "InstanceCount" and edit.range == diagnostic.range


@pytest.mark.asyncio
async def test_positions_are_utf16(client):
    uri = (ROOT / "utf16.pipe").as_uri()
    text = 'pipeline P {\n    step S: fail { description = "😀é" error_message = Nope }\n}\n'
    (d,) = [d for d in await open_document(client, uri, text) if d.code == "E0203"]
    assert (d.range.start.line, d.range.start.character) == (1, position_of(text, "Nope").character)
    assert d.range.start.character == len('    step S: fail { description = "😀é" error_message = '.encode("utf-16-le")) // 2


@pytest.mark.asyncio
async def test_vars_in_the_editor(client):
    text = ('## The stage\nvar Stage: String = "dev"\nvar Count: Integer\npipeline P {\n'
            '    name = "p-${Stage}"\n    step S: fail { error_message = join("", [Stage, Count]) }\n}\n')
    uri = (ROOT / "vars.pipe").as_uri()
    diagnostics = await open_document(client, uri, text)
    # a required var is given when transpiling: information in the editor, not an error
    assert [(d.code, d.severity, d.range.start.line) for d in diagnostics] == [
        ("E0160", lsp.DiagnosticSeverity.Information, 2)]
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(text, "[Stage", 2)))
    assert hover.contents.value.startswith('**var Stage**: String = `"dev"` (the default)\n\nThe stage')
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert [(s.name, s.detail) for s in symbols[:2]] == [("Stage", "var String"), ("Count", "var Integer")]


@pytest.mark.asyncio
async def test_templates_loops_and_imports_in_the_editor(client, tmp_path):
    (tmp_path / "common.pipe").write_text('## Team defaults\ntemplate Job: fail {\n    error_message = nope\n}\n')
    text = ('import "common.pipe"\npipeline P {\n    for a in ["x", "y"] {\n'
            '        step S-${a}: Job {\n            \n        }\n    }\n}\n')
    uri = (tmp_path / "main.pipe").as_uri()
    diagnostics = await open_document(client, uri, text)
    # a problem in the imported file: shown at the import, located in the file it is in
    (d,) = diagnostics
    assert (d.code, d.range.start.line, d.range.start.character) == ("E0203", 0, 7)
    assert d.message.startswith(f"{tmp_path / 'common.pipe'}:3:21: unknown name `nope`")
    assert d.related_information[0].location.uri == (tmp_path / "common.pipe").as_uri()
    assert d.related_information[0].location.range.start == lsp.Position(line=2, character=20)
    # a template completes and hovers like a kind; inside a step using it, its kind's fields complete
    items = await complete(client, uri, position_of(text, ": Job", 2))
    assert items["Job"].detail == "template: fail" and "training" in items
    items = await complete(client, uri, position_of(text, "            \n", 12))
    assert "error_message" in items and "cause" not in items
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(text, "Job {", 1)))
    assert hover.contents.value.startswith("**template Job**: fail\n\nTeam defaults")
    assert "used by `S-x`, `S-y`" in hover.contents.value
    definition = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(text, "Job {", 1)))
    assert definition.uri == (tmp_path / "common.pipe").as_uri() and definition.range.start.line == 1
    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert [s.name for s in symbols[0].children] == ["S-x", "S-y"]


@pytest.mark.asyncio
async def test_the_multi_stage_example_in_the_editor(client):
    path = ROOT / "examples" / "multi-stage" / "pipeline.pipe"
    diagnostics = await open_document(client, path.as_uri(), path.read_text())
    # only that Stage is required (given by --vars when transpiling)
    assert [(d.code, d.severity, d.range.start.line) for d in diagnostics] == [
        ("E0160", lsp.DiagnosticSeverity.Information, 3)]


# --- issue 25.7 and 25.11: hostile workspaces ---------------------------------------------

# A kind whose check waits until the test opens a gate: while it waits, an analysis is
# running, and the server must still answer (it used to analyse on its one thread).
GATED_KIND = '''
import os, time
from dsl.extension.hookspecs import hookimpl
from dsl.extension.kinds import StepKind

class Gated(StepKind):
    name = "gated"
    type = "Fail"
    fields = {}
    def check(self, step, ctx):
        gate = os.environ["PIPEDSL_TEST_GATE"]
        if os.path.exists(gate + ".armed"):
            open(gate + ".waiting", "w").close()
            deadline = time.monotonic() + 60
            while not os.path.exists(gate) and time.monotonic() < deadline:
                time.sleep(0.01)
        return ()
    def json_arguments(self, step, ctx):
        return {"ErrorMessage": ""}

@hookimpl
def pipedsl_step_kinds():
    return [Gated()]
'''


@pytest.mark.asyncio
async def test_requests_are_answered_while_an_analysis_runs(tmp_path_factory):
    import asyncio
    import os

    gate = tmp_path_factory.mktemp("gate")
    (gate / "pdsl_test_gated.py").write_text(GATED_KIND)
    env = dict(os.environ, PIPEDSL_PLUGINS="pdsl_test_gated", PIPEDSL_TEST_GATE=str(gate / "open"),
               PYTHONPATH=str(gate) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    from pytest_lsp.client import make_test_lsp_client

    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "dsl", "lsp", env=env)
    try:
        await client.initialize_session(lsp.InitializeParams(capabilities=client_capabilities("visual-studio-code"),
                                                             root_uri=ROOT.as_uri()))
        uri = (ROOT / "gated.pipe").as_uri()
        text = "pipeline P {\n    step G: gated {}\n    step F: fail { error_message = \"x\" }\n}\n"
        await open_document(client, uri, text)
        (gate / "open.armed").touch()  # the next analysis waits at the gate
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text + "\n")]))
        while not (gate / "open.waiting").exists():
            await asyncio.sleep(0.01)
        # the analysis is stuck at the gate: keystrokes and requests still go through
        for version in (3, 4, 5):
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text + "\n" * version)]))
        items = await asyncio.wait_for(complete(client, uri, position_of(text, "step F: ", 8)), 30)
        assert {"training", "fail"} <= set(items)
        symbols = await asyncio.wait_for(client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=uri))), 30)
        assert symbols
        (gate / "open.armed").unlink()
        (gate / "open").touch()
        await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    finally:
        await client.shutdown_session()
        await client.stop()


@pytest.mark.asyncio
async def test_file_uris_are_percent_decoded_and_unopened_files_are_never_read(client, tmp_path):
    folder = tmp_path / "my project ünï"
    folder.mkdir()
    (folder / "common.pipe").write_text('let message = "from common"\n')
    text = 'import "common.pipe"\npipeline P {\n    step F: fail { error_message = message }\n}\n'
    (folder / "main.pipe").write_text(text)
    uri = (folder / "main.pipe").as_uri()
    assert "%20" in uri and "%C3%BC" in uri
    assert not await open_document(client, uri, text)  # the import was found and read
    # a file the client never opened: no answer from its content (it is never read)
    secret = tmp_path / "not-opened.pipe"
    secret.write_text('pipeline Secret {\n    step S: fail { error_message = "x" }\n}\n')
    result = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=secret.as_uri()), position=lsp.Position(line=1, character=4)))
    assert not result.items
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=lsp.TextDocumentIdentifier(uri=secret.as_uri()),
        options=lsp.FormattingOptions(tab_size=4, insert_spaces=True)))
    assert not edits
    hover = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=secret.as_uri()), position=lsp.Position(line=0, character=10)))
    assert hover is None


@pytest.mark.asyncio
async def test_stdin_and_files_outside_the_root_are_never_imported_by_the_server(client, tmp_path):
    text = 'import "/dev/stdin"\nimport "../../etc/x.pipe"\npipeline P {\n    step F: fail { error_message = "x" }\n}\n'
    diagnostics = await open_document(client, (tmp_path / "main.pipe").as_uri(), text)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("E0170", 0), ("E0170", 1)]


# --- issue 26.7: what users of pyright and terraform-ls expect ------------------------------

RENAME_MAIN = '''import "common.pipe"
pipeline P {
    default_bucket = "b"
    param Limit: Float = 0.5
    for a in [1, 2] {
        step Job-${a}: Base { error_message = "job ${Limit}" }
    }
    step Check: condition {
        when Limit > 0.1
        if_steps = [Stop]
    }
    step Stop: fail { error_message = "below ${Limit}", depends_on = [Check] }
}
'''
RENAME_COMMON = 'template Base: fail { error_message = "x" }\nlet unused_in_main = "u"\n'


@pytest.mark.asyncio
async def test_rename_a_parameter_a_step_and_a_template_across_imported_files(client, tmp_path):
    (tmp_path / "common.pipe").write_text(RENAME_COMMON)
    main = tmp_path / "main.pipe"
    main.write_text(RENAME_MAIN)
    uri = main.as_uri()
    assert not await open_document(client, uri, RENAME_MAIN)

    def applied(edit, uri_, text):
        lines = text.split("\n")
        for change in sorted(edit.changes[uri_], key=lambda e: (e.range.start.line, e.range.start.character),
                             reverse=True):
            line = lines[change.range.start.line]
            lines[change.range.start.line] = (line[:change.range.start.character] + change.new_text
                                              + line[change.range.end.character:])
        return "\n".join(lines)

    async def rename(needle, offset, new):
        return await client.text_document_rename_async(lsp.RenameParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(RENAME_MAIN, needle, offset),
            new_name=new))

    edit = await rename("param Limit", 6, "Threshold")
    renamed = applied(edit, uri, RENAME_MAIN)
    assert "Limit" not in renamed and renamed.count("Threshold") == 4  # declaration, `when`, two `${…}`
    assert dsl.transpile(renamed, filename=str(main)) == dsl.transpile(
        RENAME_MAIN.replace("Limit", "Threshold"), filename=str(main))
    edit = await rename("if_steps = [Stop]", 12, "Halt")
    assert applied(edit, uri, RENAME_MAIN) == RENAME_MAIN.replace("Stop", "Halt")
    edit = await rename("Base {", 1, "Common")  # a template declared in the imported file
    assert applied(edit, uri, RENAME_MAIN) == RENAME_MAIN.replace("Base", "Common")
    common_uri = (tmp_path / "common.pipe").as_uri()
    assert applied(edit, common_uri, RENAME_COMMON) == RENAME_COMMON.replace("Base", "Common")
    prepared = await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(RENAME_MAIN, "default_bucket", 2)))
    assert prepared is None  # a field is not a name to rename
    with pytest.raises(Exception, match="already declared"):
        await rename("param Limit", 6, "Check")


@pytest.mark.asyncio
async def test_signature_help_folding_ranges_and_links(client, tmp_path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "prep.py").write_text("print(1)\n")
    (tmp_path / "common.pipe").write_text(RENAME_COMMON)
    text = ('import "common.pipe"\n# two lines\n# of comments\npipeline P {\n    default_bucket = "b"\n'
            '    step Prep: processing {\n        image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"\n'
            '        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.xlarge"\n'
            '        instance_count = 1\n        command = ["python3"]\n        code = "code/prep.py"\n'
            '        arguments = [join("-", ["a", "b"])]\n    }\n}\n')
    uri = (tmp_path / "main.pipe").as_uri()
    (tmp_path / "main.pipe").write_text(text)
    await open_document(client, uri, text)
    help_ = await client.text_document_signature_help_async(lsp.SignatureHelpParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(text, '["a", "b"]', 1)))
    assert help_.signatures[0].label == "join(on, values)" and help_.active_parameter == 1
    ranges = await client.text_document_folding_range_async(lsp.FoldingRangeParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert {(r.start_line, r.end_line) for r in ranges} >= {(1, 2), (3, 13), (5, 12)}
    links = await client.text_document_document_link_async(lsp.DocumentLinkParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri)))
    assert sorted(link.target for link in links) == sorted([(tmp_path / "common.pipe").as_uri(),
                                                            (tmp_path / "code" / "prep.py").as_uri()])


@pytest.mark.asyncio
async def test_completion_leaves_out_fields_already_set(client):
    uri = (ROOT / "taken.pipe").as_uri()
    text = ('pipeline P {\n    step Train: training {\n        image_uri = "x"\n        instance_type = "ml.m5.xlarge"\n'
            '        \n        output_path = "s3://b/out"\n    }\n}\n')
    await open_document(client, uri, text)
    items = await complete(client, uri, position_of(text, "        \n", 8))
    assert "instance_count" in items and "role" in items
    assert not {"image_uri", "instance_type", "output_path"} & set(items)


@pytest.mark.asyncio
async def test_hover_on_loops_functions_and_properties_and_definition_of_imports_and_property_files(client, tmp_path):
    (tmp_path / "common.pipe").write_text(RENAME_COMMON)
    text = ('import "common.pipe"\nlet xs = [1, 2]\npipeline P {\n    default_bucket = "b"\n    region = "us-east-1"\n'
            '    for a in xs {\n        step S-${a}: fail { error_message = "x${a}" }\n    }\n'
            '    step Train: training {\n        image_uri = image("xgboost", version = "1.7-1")\n'
            '        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.xlarge"\n'
            '        instance_count = 1\n        output_path = "s3://b/out"\n    }\n'
            '    step Eval: processing {\n        image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"\n'
            '        role = "arn:aws:iam::123456789012:role/R"\n        instance_type = "ml.m5.xlarge"\n'
            '        instance_count = 1\n        entrypoint = ["python3", "e.py"]\n'
            '        output evaluation { source = "/opt/ml/processing/evaluation" }\n'
            '        property_file Report { output_name = "evaluation", path = "evaluation.json" }\n    }\n'
            '    step Check: condition {\n        when json_get(Eval.Report, "mse") <= 6.0\n'
            '        when Train.FinalMetricDataList["rmse"].Value <= 6.0\n        if_steps = [F]\n    }\n'
            '    step F: fail { error_message = Train.ModelArtifacts.S3ModelArtifacts }\n}\n')
    path = tmp_path / "main.pipe"
    path.write_text(text)
    uri = path.as_uri()
    assert not await open_document(client, uri, text)

    async def hover(needle, offset):
        result = await client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(text, needle, offset)))
        return result.contents.value if result else None

    assert (await hover('"x${a}"', 4)).startswith("**loop variable a**: each item of `xs`")
    assert (await hover("image(", 1)).startswith("**image**(framework, version = …")
    assert "a string, known when the step has run" in await hover("S3ModelArtifacts }", 2)
    assert "a number, known when" in await hover("Value <=", 1)

    async def definition(needle, offset):
        return await client.text_document_definition_async(lsp.DefinitionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=position_of(text, needle, offset)))

    to_import = await definition('"common.pipe"', 3)
    assert to_import.uri == (tmp_path / "common.pipe").as_uri()
    assert to_import.range.end.character > to_import.range.start.character  # a real range, not a point
    to_file = await definition("Report, ", 2)
    assert to_file.uri == uri and to_file.range.start.line == 22


@pytest.mark.asyncio
async def test_semantic_tokens_and_workspace_symbols(client):
    uri = (ROOT / "semantic.pipe").as_uri()
    text = ('pipeline P {\n    param Limit: Float = 0.5\n    step Train: fail { error_message = "x" }\n'
            '    step Stop: fail { error_message = join("", ["${Limit}"]), depends_on = [Train] }\n}\n')
    await open_document(client, uri, text)
    result = await client.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri)))
    tokens, line, start = [], 0, 0
    data = result.data
    types = ["class", "parameter", "variable", "type", "function", "property"]
    for i in range(0, len(data), 5):
        line += data[i]
        start = data[i + 1] if data[i] else start + data[i + 1]
        word = text.split("\n")[line][start:start + data[i + 2]]
        tokens.append((line, word, types[data[i + 3]], data[i + 4]))
    assert tokens == [(1, "Limit", "parameter", 1), (2, "Train", "class", 1), (3, "Stop", "class", 1),
                      (3, "join", "function", 0), (3, "Limit", "parameter", 0), (3, "Train", "class", 0)]
    symbols = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="tra"))
    assert [(s.name, s.container_name) for s in symbols if s.location.uri == uri] == [("Train", "fail")]
