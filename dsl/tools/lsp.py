"""`pipedsl lsp`: a Language Server (stdio, pygls) for `.pipe` files.

Everything it knows comes from the core: diagnostics are `check`'s, field docs and types are
the kinds' `Field` declarations, step properties walk the shipped botocore shapes, formatting
is `dsl.format`. Completion works from the text before the cursor and the enclosing blocks,
so it keeps working while the file is broken (an unfinished step); names come from the last
version of the file that parsed. Positions are converted to and from UTF-16, as LSP counts.

Needs the `lsp` extra: `pip install 'pipedsl-sagemaker[lsp]'`.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Tuple

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from dsl import __version__
from dsl.api import analyse
from dsl.diagnostics import Diagnostic, Span
from dsl.extension.kinds import ENVELOPE_FIELDS, Field
from dsl.extension.plugin_manager import default_registry
from dsl.semantics.functions import FUNCTIONS
from dsl.semantics.program import EXECUTION_VARIABLES, EXPERIMENT_PROPERTIES, Program, property_shapes
from dsl.semantics.variables import from_environment
from dsl.syntax import ir

server = LanguageServer("pipedsl", __version__)

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")
_MEMBER_KEYWORDS = {"input": "an input (a channel of a training step, an input of a processing step)",
                    "output": "an output", "property_file": "a JSON file of an output that `json_get` reads",
                    "when": "a condition", "retry": "a retry policy: `retry Step.THROTTLING { max_attempts = 3 }`"}


class Document:
    """What the server knows of one open file: its text, its last analysis, and the last
    program that could be built (for names and positions while the text is broken)."""

    def __init__(self):
        self.text = ""
        self.uri = ""
        self.problems: List[Diagnostic] = []
        self.program: Optional[Program] = None
        self.good: Optional[Program] = None
        self.analysed = ""  # the text `problems` and `program` are of


DOCUMENTS: Dict[str, Document] = {}


# --- positions: our 1-based code-point columns <-> LSP's 0-based UTF-16 ----------------------

def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_lsp(lines: List[str], line: int, column: int) -> lsp.Position:
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return lsp.Position(line=max(line - 1, 0), character=_utf16(source[: max(column - 1, 0)]))


def from_lsp(lines: List[str], position: lsp.Position) -> Tuple[int, int]:
    """(1-based line, 1-based code-point column) of an LSP position."""
    source = lines[position.line] if position.line < len(lines) else ""
    units, column = 0, 0
    while column < len(source) and units < position.character:
        units += 2 if ord(source[column]) > 0xFFFF else 1
        column += 1
    return position.line + 1, column + 1


def span_range(lines: List[str], span: Span) -> lsp.Range:
    return lsp.Range(start=to_lsp(lines, span.line, span.column), end=to_lsp(lines, span.end_line, span.end_column))


# --- analysis ----------------------------------------------------------------------------

def _filename(uri: str) -> str:
    """The path of a `file:` URI, percent-decoded (folders with spaces, non-ASCII names);
    another scheme's document (`untitled:`) has no path: its local paths start from the
    server's working folder, as for standard input."""
    from urllib.parse import unquote, urlsplit

    if uri.startswith("file:"):
        parts = urlsplit(uri)
        return unquote(parts.path)
    return f"<{uri}>"


def refresh(uri: str, text: str) -> Document:
    document = DOCUMENTS.setdefault(uri, Document())
    document.text, document.uri, document.analysed = text, uri, text
    # the editor sees the values `check` sees in this environment (PIPEDSL_VAR_*)
    program, problems = analyse(text, _filename(uri), default_registry(), vars=from_environment())
    document.problems, document.program = problems, program
    if program is not None:
        document.good = program
    return document


def _uri(path: str) -> str:
    import os
    from urllib.parse import quote

    return "file://" + quote(os.path.abspath(path))


def _import_span(document: Document, path: str) -> Span:
    """Where the document imports the file `path` (directly, or through what it imports):
    the `import` line a problem in that file is shown at."""
    import os

    program = document.program or document.good
    imports = program.source_file.imports if program else ()
    for imp in imports:
        if os.path.basename(imp.path) == os.path.basename(path):
            return imp.path_span
    return imports[0].path_span if imports else Span(1, 1, 1, 2)


def lsp_diagnostics(document: Document) -> List[lsp.Diagnostic]:
    lines = document.analysed.split("\n")  # the spans count in the text that was analysed
    out = []
    for d in document.problems:
        related = [lsp.DiagnosticRelatedInformation(
            location=lsp.Location(uri=_uri(span.file) if span.file else document.uri or "",
                                  range=span_range(lines, span) if span.file is None else
                                  lsp.Range(start=lsp.Position(line=span.line - 1, character=span.column - 1),
                                            end=lsp.Position(line=span.line - 1, character=span.column - 1))),
            message=note) for span, note in d.notes]
        span = d.span
        where = ""
        if span.file is not None:  # a problem in an imported file: shown at the import, and there
            where = f"{span.file}:{span.line}:{span.column}: "
            related.insert(0, lsp.DiagnosticRelatedInformation(
                location=lsp.Location(uri=_uri(span.file), range=lsp.Range(
                    start=lsp.Position(line=span.line - 1, character=span.column - 1),
                    end=lsp.Position(line=span.line - 1, character=span.column - 1))), message=d.message))
            span = _import_span(document, span.file)
        severity = lsp.DiagnosticSeverity.Error if d.is_error else lsp.DiagnosticSeverity.Warning
        if d.code == "E0160":
            # a required var is given when transpiling (--var, --vars); while editing that is
            # information, not a mistake
            severity = lsp.DiagnosticSeverity.Information
        message = where + d.message + (f"\n{d.hint}" if d.hint else "")
        fix = _DID_YOU_MEAN.search(d.hint or "") if not where else None
        out.append(lsp.Diagnostic(range=span_range(lines, span), message=message, severity=severity,
                                  code=d.code, source="pipedsl", related_information=related or None,
                                  data={"replace": fix.group(1)} if fix else None))
    return out


def publish(ls: LanguageServer, uri: str, text: str):
    document = refresh(uri, text)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=lsp_diagnostics(document)))


# Analysis runs on one worker thread, so that a keystroke never waits for it: the text a
# request reads is always the newest, the names and problems those of the last analysis.
# Edits made while an analysis runs are coalesced: only the newest text is analysed next.
_PENDING: Dict[str, str] = {}  # uri -> text not analysed yet
_ANALYSING: set = set()
_WORKER = None


def _worker():
    global _WORKER
    if _WORKER is None:
        from concurrent.futures import ThreadPoolExecutor

        _WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pipedsl-analysis")
    return _WORKER


def _analysed(uri: str, text: str):
    return analyse(text, _filename(uri), default_registry(), vars=from_environment())


async def _changed(ls: LanguageServer, uri: str, text: str):
    import asyncio

    DOCUMENTS.setdefault(uri, Document()).text = text
    DOCUMENTS[uri].uri = uri
    _PENDING[uri] = text
    if uri in _ANALYSING:
        return  # the running analysis picks the newest text up when it ends
    _ANALYSING.add(uri)
    try:
        while uri in _PENDING:
            text = _PENDING.pop(uri)
            program, problems = await asyncio.get_running_loop().run_in_executor(_worker(), _analysed, uri, text)
            document = DOCUMENTS.get(uri)
            if document is None:
                return  # closed meanwhile
            document.problems, document.program, document.analysed = problems, program, text
            if program is not None:
                document.good = program
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
                uri=uri, diagnostics=lsp_diagnostics(document)))
    finally:
        _ANALYSING.discard(uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: LanguageServer, params: lsp.DidOpenTextDocumentParams):
    await _changed(ls, params.text_document.uri, params.text_document.text)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: LanguageServer, params: lsp.DidChangeTextDocumentParams):
    document = ls.workspace.get_text_document(params.text_document.uri)
    await _changed(ls, params.text_document.uri, document.source)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LanguageServer, params: lsp.DidCloseTextDocumentParams):
    DOCUMENTS.pop(params.text_document.uri, None)
    _PENDING.pop(params.text_document.uri, None)


# --- where the cursor is ---------------------------------------------------------------------

def enclosing_blocks(text: str) -> List[str]:
    """The headers of the blocks open at the end of `text` (`pipeline P`, `step S: training`,
    `input train`, ...), innermost last; strings and comments skipped."""
    stack, header_start, i = [], 0, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            end = i + 1
            while end < len(text) and text[end] not in '"\n':
                end += 2 if text[end] == "\\" else 1
            i = end + 1
            continue
        if ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        if ch == "$" and text.startswith("${", i):  # a `${…}` piece of a name, not a block
            end = text.find("}", i)
            i = len(text) if end < 0 else end + 1
            continue
        if ch == "{":
            line_start = text.rfind("\n", 0, i) + 1
            header = text[max(line_start, header_start):i].strip()
            stack.append(header)
            header_start = i + 1
        elif ch == "}":
            if stack:
                stack.pop()
            header_start = i + 1
        elif ch == "\n":
            header_start = i + 1
        i += 1
    return stack


def _kind_in(blocks: List[str], program: Optional[Program] = None):
    """The kind of the step (or template) the cursor is in, and the member block (header)
    inside it; a template named as the kind stands for the kind it ends in."""
    registry = default_registry()
    blocks = [b for b in blocks if not re.match(r"(if|else|for)\b|}\s*else\b", b.strip())]  # `if` blocks hold members
    for depth in range(len(blocks) - 1, -1, -1):
        match = re.match(r"(?:step\s+[\w${}.\[\]\"-]+|template\s+[A-Za-z_][\w-]*)\s*:\s*([A-Za-z_]\w*)", blocks[depth])
        if match:
            inner = blocks[depth + 1] if depth + 1 < len(blocks) else None
            name = match.group(1)
            templates = program.expander.templates if program is not None else {}
            if program is not None and name in templates:
                name = templates[program.expander.last_template(name)].base
            return registry.kinds.get(name), inner
    return None, None


def _fields_here(kind, member: Optional[str]) -> Dict[str, Field]:
    """The fields that can be set where the cursor is: a member block's, or the step's own
    (the envelope's and the kind's)."""
    if member is not None:  # inside `input x { ... }` and the like
        word = member.split()[0] if member.split() else ""
        key = word if word in ("input", "output", "property_file") else f"block:{word}"
        return dict(kind.member_fields.get(key, {}))
    fields = dict(ENVELOPE_FIELDS)
    fields.update(kind.fields)
    return fields


def _field_item(name: str, field: Field, kind_name: str = "") -> lsp.CompletionItem:
    return lsp.CompletionItem(label=name, kind=lsp.CompletionItemKind.Field, detail=_field_detail(field),
                              documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                              value=_field_markdown(name, field, kind_name)),
                              insert_text=f"{name} = ")


def _field_detail(field: Field) -> str:
    kind = field.type + (f" of {field.items}" if field.type == "list" and field.items != "any" else "")
    return kind + (" (required)" if field.required else "")


def _field_markdown(name: str, field: Field, kind_name: str = "") -> str:
    lines = [f"**{name}**" + (f" — field of `{kind_name}` steps" if kind_name else ""), ""]
    if field.doc:
        lines += [field.doc, ""]
    lines.append(f"- type: {_field_detail(field)}")
    if field.default is not None:
        lines.append(f"- default: `{field.default!r}`".replace("'", '"'))
    lines.append(f"- SDK keyword: `{field.sdk_keyword(name)}`")
    if field.json:
        lines.append(f"- definition: `Arguments.{field.json}`")
    return "\n".join(lines)


def _names(document: Document) -> Dict[str, object]:
    program = document.program or document.good
    if program is None:
        return {}
    out: Dict[str, object] = {}
    out.update(program.lets)
    out.update(program.params)
    out.update(program.steps)
    return out


def _properties(document: Document, step_name: str, path: List[str]) -> List[str]:
    program = document.program or document.good
    step = program.steps.get(step_name) if program else None
    kind = program.kind_of(step) if program is not None and step is not None else None
    if kind is None or not kind.property_root:
        return []
    own = kind.property_names(step, path) if step is not None else None
    if own is not None:  # (a kind whose properties are not a botocore shape: a function's `result`)
        return own
    shapes = property_shapes()
    shape = kind.property_root
    for part in path:
        spec = shapes.get(shape)
        if not isinstance(spec, list):
            return []
        if spec[0] == "structure":
            shape = spec[1].get(part)
        elif spec[0] in ("list", "map") and part == "[]":
            shape = spec[1]
        else:
            return []
        if shape is None:
            return []
    spec = shapes.get(shape)
    while isinstance(spec, list) and spec[0] in ("list", "map"):
        spec = shapes.get(spec[1])
    return sorted(spec[1]) if isinstance(spec, list) and spec[0] == "structure" else []


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[".", ":", " "]))
def completion(ls: LanguageServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    uri = params.text_document.uri
    document = DOCUMENTS.get(uri)
    if document is None:  # not opened by the client: never read from disk
        return lsp.CompletionList(is_incomplete=False, items=[])
    lines = document.text.split("\n")
    line, column = from_lsp(lines, params.position)
    before = "\n".join(lines[: line - 1] + [lines[line - 1][: column - 1] if line <= len(lines) else ""])
    prefix = before.rsplit("\n", 1)[-1]
    items: List[lsp.CompletionItem] = []
    registry = default_registry()

    # `step NAME: |` -> the kinds
    if re.search(r"\b(step\s+[\w${}.\[\]\"-]+|template\s+[A-Za-z_][\w-]*)\s*:\s*[A-Za-z_]*$", prefix):
        for name, kind in sorted(registry.kinds.items()):
            items.append(lsp.CompletionItem(label=name, kind=lsp.CompletionItemKind.Class,
                                            detail=kind.sdk_class, documentation=kind.summary))
        program = document.program or document.good
        for name, template in sorted((program.expander.templates if program else {}).items()):
            items.append(lsp.CompletionItem(label=name, kind=lsp.CompletionItemKind.Interface,
                                            detail=f"template: {template.base}", documentation=template.doc))
        return lsp.CompletionList(is_incomplete=False, items=items)

    # `Name.Member[...].|` -> execution variables, experiment properties, step properties
    dotted = re.search(r"([A-Za-z_][\w-]*)((?:\.[A-Za-z_]\w*|\[[^\]\n]*\])*)\.([A-Za-z_]\w*)?$", prefix)
    if dotted:
        root, rest = dotted.group(1), dotted.group(2)
        path = [p if not p.startswith("[") else "[]" for p in re.findall(r"\.([A-Za-z_]\w*)|(\[[^\]]*\])", rest)
                for p in [p[0] or p[1]]]
        if root == "Execution" and not path:
            names = list(EXECUTION_VARIABLES)
        elif root == "PipelineExperimentConfig" and not path:
            names = list(EXPERIMENT_PROPERTIES)
        else:
            names = _properties(document, root, path)
        items = [lsp.CompletionItem(label=n, kind=lsp.CompletionItemKind.Property) for n in names]
        return lsp.CompletionList(is_incomplete=False, items=items)

    kind, member = _kind_in(enclosing_blocks(before), document.program or document.good)
    at_member_start = re.fullmatch(r"\s*[A-Za-z_]*", prefix) is not None
    if kind is not None and at_member_start:
        fields = _fields_here(kind, member)
        if member is None:
            members = sorted(m for m in kind.members if not m.startswith("block:")) + (["retry"] if kind.retry else [])
            for m in members:
                items.append(lsp.CompletionItem(label=m, kind=lsp.CompletionItemKind.Keyword,
                                                documentation=_MEMBER_KEYWORDS.get(m, "")))
        taken = _set_in_block(document.text, before)
        items += [_field_item(name, field, kind.name) for name, field in fields.items() if name not in taken]
        return lsp.CompletionList(is_incomplete=False, items=items)

    # an expression: declared names, Execution, functions
    for name, declaration in sorted(_names(document).items()):
        kind_word = type(declaration).__name__.lower()
        items.append(lsp.CompletionItem(label=name, kind=lsp.CompletionItemKind.Variable, detail=kind_word,
                                        documentation=getattr(declaration, "doc", None) or None))
    items.append(lsp.CompletionItem(label="Execution", kind=lsp.CompletionItemKind.Module,
                                    detail="execution variables"))
    items.append(lsp.CompletionItem(label="PipelineExperimentConfig", kind=lsp.CompletionItemKind.Module))
    for name, function in FUNCTIONS.items():
        items.append(lsp.CompletionItem(label=name, kind=lsp.CompletionItemKind.Function,
                                        documentation=function.doc, insert_text=f"{name}("))
    return lsp.CompletionList(is_incomplete=False, items=items)


# --- hover, definition, references, symbols ---------------------------------------------------

def _word_at(document: Document, position: lsp.Position):
    lines = document.text.split("\n")
    line, column = from_lsp(lines, position)
    source = lines[line - 1] if line <= len(lines) else ""
    for match in _WORD.finditer(source):
        if match.start() <= column - 1 <= match.end():
            return match.group(), line, match.start() + 1, source
    return None, line, column, source


def _declaration(program: Program, name: str):
    for table in (program.steps, program.params, program.lets):
        if name in table:
            return table[name]
    return None


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: LanguageServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
    document = DOCUMENTS.get(params.text_document.uri)
    if document is None:
        return None
    word, line, column, source = _word_at(document, params.position)
    if not word:
        return None
    lines = document.text.split("\n")
    before = "\n".join(lines[: line - 1] + [source[: column - 1]])
    kind, member = _kind_in(enclosing_blocks(before), document.program or document.good)
    if kind is not None and re.match(rf"\s*{re.escape(word)}\s*=", source):
        fields = _fields_here(kind, member)
        if word in fields:
            return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                        value=_field_markdown(word, fields[word], kind.name)))
    program = document.program or document.good
    extra = _hover_more(program, word, line, column, source) if program else None
    if extra is not None:
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=extra))
    var = next((v for v in program.file.vars + program.pipeline.vars if v.name == word), None) if program else None
    if var is not None and program is not None:
        value, source = program.var_values.get(word, (None, "no value yet"))
        text = f"**var {word}**: {var.type}" + (f" = `{json.dumps(value, ensure_ascii=False)}` ({source})" if value is not None
                                                else f" ({source})")
        text += ("\n\n" + var.doc if var.doc else "") + f"\n\ndeclared on line {var.name_span.line}"
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))
    declaration = _declaration(program, word) if program else None
    if declaration is not None:
        what = type(declaration).__name__.lower()
        text = f"**{what} {word}**"
        if isinstance(declaration, ir.Param):
            text += f": {declaration.type}"
        if isinstance(declaration, ir.Step):
            text += f": {declaration.kind}"
        if declaration.doc:
            text += "\n\n" + declaration.doc
        text += f"\n\ndeclared on line {declaration.name_span.line}"
        if declaration.name_span.file:
            text += f" of {declaration.name_span.file}"
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))
    template = program.expander.templates.get(word) if program else None
    if template is not None and program is not None:
        users = [s.name for s in program.expander.template_users.get(word, ())]
        text = f"**template {word}**: {template.base}" + ("\n\n" + template.doc if template.doc else "")
        text += f"\n\ndeclared on line {template.name_span.line}" + (f" of {template.span.file}" if template.span.file else "")
        if users:
            text += "\n\nused by " + ", ".join(f"`{u}`" for u in users)
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))
    registry = default_registry()
    if word in registry.kinds and re.search(rf"step\s+[\w-]+\s*:\s*{re.escape(word)}\b", source):
        k = registry.kinds[word]
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown,
                                                    value=f"**{word}** — `{k.sdk_class}`, type `{k.type}`\n\n{k.summary}"))
    return None


def _references(program: Program, name: str) -> List[Span]:
    spans = []
    values = [a.value for a in program.pipeline.attributes] + [let.value for let in program.file.lets + program.pipeline.lets]
    values += [a.value for e in program.pipeline.experiments for a in e.attributes]
    values += [a.value for s in program.pipeline.schedules for a in s.attributes]
    for step in program.pipeline.steps:
        values.extend(ir.step_values(step))
    for value in values:
        for node in ir.walk(value):
            if isinstance(node, ir.Ref) and node.name == name:
                spans.append(node.name_span)
    return spans


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: LanguageServer, params: lsp.DefinitionParams) -> Optional[lsp.Location]:
    document, program = _opened(params.text_document.uri)
    if document is None or program is None:
        return None
    word, line, column, source = _word_at(document, params.position)
    imported = _import_target(program, document, params.text_document.uri, line, column)
    if imported is not None:
        return imported
    if word:  # a property file in `json_get(Step.File, …)`: its `property_file` member
        chain = re.search(r"([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)$", source[: column - 1 + len(word)])
        step = program.steps.get(chain.group(1)) if chain and chain.group(2) == word else None
        found = next((pf for pf in step.property_files if pf.name == word), None) if step else None
        if found is not None:
            return _location(program, document, params.text_document.uri, found.name_span)
    declaration = _declaration(program, word) if word else None
    if declaration is None and word:
        declaration = program.expander.templates.get(word)
    if declaration is None:
        return None
    return _location(program, document, params.text_document.uri, declaration.name_span)


def _location(program: Program, document: Document, uri: str, span: Span) -> lsp.Location:
    """Where `span` is, in this document or an imported file (its text is the module's)."""
    lines = _module_lines(program, span.file, document)
    return lsp.Location(uri=uri if span.file is None else _uri(span.file), range=span_range(lines, span))


def _import_target(program: Program, document: Document, uri: str, line: int, column: int) -> Optional[lsp.Location]:
    """On an `import "…"` path: the imported file (its first line), when it was imported."""
    import os

    for imp in program.source_file.imports:
        span = imp.path_span
        if span.line == line and span.column <= column <= span.end_column:
            folder = os.path.dirname(_filename(uri))
            shown = os.path.normpath(os.path.join(folder, imp.path))
            module = next((m for m in program.modules if os.path.normpath(m.name) == shown), None)
            if module is None:
                return None
            first = module.text.split("\n")[0]
            return lsp.Location(uri=_uri(module.name), range=lsp.Range(
                start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=max(_utf16(first), 1))))
    return None


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: LanguageServer, params: lsp.ReferenceParams) -> List[lsp.Location]:
    document, program = _opened(params.text_document.uri)
    if document is None or program is None:
        return []
    word, *_ = _word_at(document, params.position)
    declaration = _declaration(program, word) if word else None
    if declaration is None:
        return []
    lines = document.text.split("\n")
    spans = ([declaration.name_span] if params.context.include_declaration else []) + _references(program, word)
    return [lsp.Location(uri=params.text_document.uri, range=span_range(lines, s)) for s in spans if s.file is None]


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: LanguageServer, params: lsp.DocumentSymbolParams) -> List[lsp.DocumentSymbol]:
    document, program = _opened(params.text_document.uri)
    if document is None or program is None:
        return []
    lines = document.text.split("\n")

    def symbol(name, kind, node, detail=""):
        return lsp.DocumentSymbol(name=name, kind=kind, range=span_range(lines, node.span),
                                  selection_range=span_range(lines, node.name_span), detail=detail)

    p = program.pipeline
    children = [symbol(x.name, lsp.SymbolKind.Constant, x, f"var {x.type}") for x in p.vars]
    children += [symbol(x.name, lsp.SymbolKind.Constant, x, "let") for x in p.lets]
    children += [symbol(x.name, lsp.SymbolKind.Variable, x, x.type) for x in p.params]
    children += [symbol(x.name, lsp.SymbolKind.Function, x, x.kind) for x in p.steps]
    source = program.source_file  # (what an imported file declares is not in this outline)
    top = [symbol(x.name, lsp.SymbolKind.Constant, x, f"var {x.type}") for x in source.vars]
    top += [symbol(x.name, lsp.SymbolKind.Constant, x, "let") for x in source.lets]
    top += [symbol(x.name, lsp.SymbolKind.Interface, x, f"template: {x.base}") for x in source.templates]
    children += [symbol(x.name, lsp.SymbolKind.Interface, x, f"template: {x.base}")
                 for x in program.source_file.pipeline.members if isinstance(x, ir.Template)]
    pipeline = symbol(p.name, lsp.SymbolKind.Module, p, "pipeline")
    pipeline.children = children
    return top + [pipeline]


# --- rename, signature help, folding, links -------------------------------------------------

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _hover_more(program: Program, word: str, line: int, column: int, source: str) -> Optional[str]:
    """Hover on a function call (`image(`), a loop variable, or a part of a step property."""
    after = source[column - 1 + len(word):]
    if word in FUNCTIONS and after.lstrip().startswith("("):
        function = FUNCTIONS[word]
        names = list(function.positional) + [f"{n} = …" for n in function.named_only]
        return f"**{word}**({', '.join(names)})\n\n{function.doc}"
    todo = [m for p in program.source_file.pipelines for m in p.members]
    while todo:
        node = todo.pop()
        if isinstance(node, ir.ForLoop) and node.var == word and (node.span.line, node.span.column) <= (line, column) \
                <= (node.span.end_line, node.span.end_column):
            return (f"**loop variable {word}**: each item of `{_inline(program, node.items)}` in turn "
                    f"(the loop on line {node.span.line})")
        todo.extend(getattr(node, "members", ()) or ())
        todo.extend(getattr(node, "otherwise", ()) or ())
    chain = re.search(r"([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]]*\])*)$",
                      source[: column - 1 + len(word)])
    if chain and chain.group(1) in program.steps and chain.group(2) and word != chain.group(1):
        step = program.steps[chain.group(1)]
        kind = program.kind_of(step)
        parts = re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]*)\]", chain.group(2))
        ref_parts = tuple(ir.Member(name=m, span=Span(line, column, line, column + 1)) if m else
                          ir.Index(key=int(k) if k.strip().isdigit() else k.strip().strip("'\""),
                                   span=Span(line, column, line, column + 1)) for m, k in parts)
        if kind is not None and kind.property_root and program.walk_shape(kind.property_root, ref_parts) is None:
            kind_word = program._property_type(step, ref_parts)
            path = chain.group(2).lstrip(".")
            return (f"**{chain.group(1)}.{path}**: a property of `{chain.group(1)}` ({step.kind}), "
                    f"{'a ' + kind_word if kind_word != 'any' else 'a value'}, known when the step has run "
                    f"(`{kind.property_root}`)")
    return None


def _inline(program: Program, expr) -> str:
    from dsl.tools.printer import Printer

    try:
        return Printer(program.source_file, "").inline(expr)
    except Exception:  # noqa: BLE001 - a hover is best effort
        return "…"


def _set_in_block(text: str, before: str) -> set:
    """The attributes already set (`name = …`) directly in the block the cursor is in: a
    field given twice is an error, so completion leaves them out."""
    start = len(before)
    depth, i = 0, start - 1
    while i >= 0:  # back to the `{` that opens the cursor's block
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                break
            depth -= 1
        i -= 1
    depth, j, body = 0, i + 1, []
    while j < len(text):  # forward to its `}`, keeping only its own level
        ch = text[j]
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                break
            depth -= 1
        if depth == 0:
            body.append(ch)
        j += 1
    return set(re.findall(r"(?m)^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)", "".join(body)))


def _template_uses(program: Program, name: str) -> List[Span]:
    """Where the file (as written, loops and branches included) and its imports name the
    template `name`: `step S: name` and `template U: name`."""
    spans: List[Span] = []
    files = [m.file for m in program.modules] + [program.source_file]
    for file in files:
        todo = list(file.templates) + [m for p in file.pipelines for m in p.members]
        while todo:
            node = todo.pop()
            if isinstance(node, ir.Step) and node.kind == name:
                spans.append(node.kind_span)
            elif isinstance(node, ir.Template) and node.base == name:
                spans.append(node.base_span)
            for field in ("members", "otherwise"):
                todo.extend(getattr(node, field, ()) or ())
    return spans


def _renamable(program: Program, word: str):
    """The declaration a rename of `word` changes (a step, parameter, let, var or template
    whose name is written as it is), or None."""
    declaration = _declaration(program, word) or program.expander.templates.get(word)
    if declaration is None or "${" in getattr(declaration, "name", ""):
        return None
    return declaration


def _opened(uri: str) -> Tuple[Optional[Document], Optional[Program]]:
    """An open document and its program (the last that could be built), or Nones."""
    document = DOCUMENTS.get(uri)
    return document, (document.program or document.good) if document else None


def _module_lines(program: Program, file: Optional[str], document: Document) -> List[str]:
    if file is None:
        return document.text.split("\n")
    module = next((m for m in program.modules if m.name == file), None)
    return module.text.split("\n") if module else []


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: LanguageServer, params: lsp.PrepareRenameParams) -> Optional[lsp.Range]:
    document, program = _opened(params.text_document.uri)
    if document is None or program is None:
        return None
    word, line, column, _ = _word_at(document, params.position)
    if not word or _renamable(program, word) is None:
        return None
    return span_range(document.text.split("\n"), Span(line, column, line, column + len(word)))


@server.feature(lsp.TEXT_DOCUMENT_RENAME)
def rename(ls: LanguageServer, params: lsp.RenameParams) -> Optional[lsp.WorkspaceEdit]:
    """Every place the file and the files it imports name a step, parameter, let, var or
    template (declaration, references, `${…}` pieces, `depends_on`, template uses)."""
    from dsl.syntax.transformer import KEYWORDS

    document, program = _opened(params.text_document.uri)
    if document is None or program is None:
        return None
    word, *_ = _word_at(document, params.position)
    declaration = _renamable(program, word) if word else None
    if declaration is None:
        return None
    new = params.new_name
    if not _NAME_RE.fullmatch(new) or new in KEYWORDS:
        raise ValueError(f"`{new}` is not a name a .pipe file can declare")
    if new != word and (_declaration(program, new) is not None or new in program.expander.templates):
        raise ValueError(f"`{new}` is already declared")
    if isinstance(declaration, ir.Template):
        spans = [declaration.name_span] + _template_uses(program, word)
    else:
        spans = [declaration.name_span] + _references(program, word)
    changes: Dict[str, List[lsp.TextEdit]] = {}
    seen = set()
    for span in spans:
        key = (span.file, span.line, span.column)
        if key in seen:
            continue  # a loop or a template repeats the same written place
        seen.add(key)
        lines = _module_lines(program, span.file, document)
        uri = params.text_document.uri if span.file is None else _uri(span.file)
        end = Span(span.line, span.column, span.line, span.column + len(word), span.file)
        changes.setdefault(uri, []).append(lsp.TextEdit(range=span_range(lines, end), new_text=new))
    return lsp.WorkspaceEdit(changes=changes)


def _open_call(text_before: str) -> Optional[Tuple[str, int]]:
    """(function name, index of the argument being written) of the innermost call the text
    before the cursor is inside, strings skipped; None outside any call."""
    depth, commas, i = 0, 0, len(text_before) - 1
    in_string = text_before.count('"') % 2 == 1
    while i >= 0:
        ch = text_before[i]
        if ch == '"':
            in_string = not in_string
        elif not in_string:
            if ch in ")]}":
                depth += 1
            elif ch in "[{":
                depth -= 1 if depth else 0
            elif ch == "(":
                if depth == 0:
                    match = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*$", text_before[:i])
                    return (match.group(1), commas) if match else None
                depth -= 1
            elif ch == "," and depth == 0:
                commas += 1
        i -= 1
    return None


@server.feature(lsp.TEXT_DOCUMENT_SIGNATURE_HELP, lsp.SignatureHelpOptions(trigger_characters=["(", ","]))
def signature_help(ls: LanguageServer, params: lsp.SignatureHelpParams) -> Optional[lsp.SignatureHelp]:
    document = DOCUMENTS.get(params.text_document.uri)
    if document is None:
        return None
    lines = document.text.split("\n")
    line, column = from_lsp(lines, params.position)
    before = "\n".join(lines[: line - 1] + [(lines[line - 1] if line <= len(lines) else "")[: column - 1]])
    found = _open_call(before[-4000:])
    if found is None or found[0] not in FUNCTIONS:
        return None
    function, index = FUNCTIONS[found[0]], found[1]
    names = list(function.positional) + [f"{n} = …" for n in function.named_only]
    label = f"{function.name}({', '.join(names)})"
    parameters = [lsp.ParameterInformation(label=n) for n in names]
    return lsp.SignatureHelp(signatures=[lsp.SignatureInformation(
        label=label, documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=function.doc),
        parameters=parameters)], active_signature=0, active_parameter=min(index, len(names) - 1))


@server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
def folding_ranges(ls: LanguageServer, params: lsp.FoldingRangeParams) -> List[lsp.FoldingRange]:
    """Every block, list and map that spans lines (strings and comments skipped), and runs
    of comment lines."""
    document = DOCUMENTS.get(params.text_document.uri)
    if document is None:
        return []
    out, stack, in_string = [], [], False
    lines = document.text.split("\n")
    for number, text in enumerate(lines):
        i = 0
        while i < len(text):
            ch = text[i]
            if in_string:
                if ch == "\\":
                    i += 1
                elif ch == '"':
                    in_string = False
            elif ch == '"':
                in_string = True
            elif ch == "#":
                break
            elif ch in "{[(":
                stack.append(number)
            elif ch in "}])" and stack:
                start = stack.pop()
                if number > start:
                    out.append(lsp.FoldingRange(start_line=start, end_line=number - 1 if ch == "}" else number))
            i += 1
        in_string = False  # a string never spans lines
    comment_start = None
    for number, text in enumerate(lines + [""]):
        if text.lstrip().startswith("#"):
            comment_start = number if comment_start is None else comment_start
        else:
            if comment_start is not None and number - 1 > comment_start:
                out.append(lsp.FoldingRange(start_line=comment_start, end_line=number - 1,
                                            kind=lsp.FoldingRangeKind.Comment))
            comment_start = None
    return sorted(out, key=lambda r: (r.start_line, r.end_line))


_LOCAL_PATH_FIELDS = ("code", "source_dir", "entry_point")


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK)
def document_links(ls: LanguageServer, params: lsp.DocumentLinkParams) -> List[lsp.DocumentLink]:
    """Import paths and local code paths (inside the project root) open the file."""
    import os

    from dsl.semantics.localcode import escapes_root, folder_of, is_local

    document, program = _opened(params.text_document.uri)
    if document is None or program is None:
        return []
    lines = document.text.split("\n")
    folder = folder_of(_filename(params.text_document.uri))
    out = []

    def link(path: str, span: Span):
        if escapes_root(path, folder, program.root) is None and os.path.exists(os.path.join(folder, path)):
            out.append(lsp.DocumentLink(range=span_range(lines, span),
                                        target=_uri(os.path.join(folder, path))))

    for imp in program.source_file.imports:
        link(imp.path, imp.path_span)
    for step in program.pipeline.steps:
        for attribute in step.attributes:
            if attribute.name in _LOCAL_PATH_FIELDS and attribute.value.span.file is None:
                value = program.literal(attribute.value)
                if is_local(value) and isinstance(program.follow(attribute.value), ir.Literal):
                    link(value, program.follow(attribute.value).span)
    unique = {(d.range.start.line, d.range.start.character): d for d in out}
    return list(unique.values())


@server.feature(lsp.WORKSPACE_SYMBOL)
def workspace_symbols(ls: LanguageServer, params: lsp.WorkspaceSymbolParams) -> List[lsp.WorkspaceSymbol]:
    """The steps, parameters, lets, vars and templates of the open files whose names hold
    the query (case-insensitive); files are never read from disk for it."""
    query = params.query.lower()
    out = []
    for uri, document in list(DOCUMENTS.items()):
        program = document.program or document.good
        if program is None:
            continue
        lines = document.text.split("\n")
        source = program.source_file
        named: List[Tuple[Any, lsp.SymbolKind, str]] = [(x, lsp.SymbolKind.Function, x.kind)
                                                         for x in program.pipeline.steps]
        named += [(x, lsp.SymbolKind.Variable, x.type) for x in program.pipeline.params]
        named += [(x, lsp.SymbolKind.Constant, "let") for x in source.lets + program.pipeline.lets]
        named += [(x, lsp.SymbolKind.Constant, f"var {x.type}") for x in source.vars + program.pipeline.vars]
        named += [(x, lsp.SymbolKind.Interface, f"template: {x.base}") for x in source.templates]
        seen = set()
        for node, kind, detail in named:
            span = node.name_span
            if span.file is not None or query not in node.name.lower() or (node.name, span.line) in seen:
                continue
            seen.add((node.name, span.line))
            out.append(lsp.WorkspaceSymbol(name=node.name, kind=kind, container_name=detail,
                                           location=lsp.Location(uri=uri, range=span_range(lines, span))))
    return out


SEMANTIC_TYPES = ["class", "parameter", "variable", "type", "function", "property"]
_LEGEND = lsp.SemanticTokensLegend(token_types=SEMANTIC_TYPES, token_modifiers=["declaration"])


@server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, _LEGEND)
def semantic_tokens(ls: LanguageServer, params: lsp.SemanticTokensParams) -> lsp.SemanticTokens:
    """What each name is, from the analysis (which a TextMate grammar cannot know): steps
    as classes, parameters, lets and vars as variables, templates as types, function calls,
    and the properties after a step name; declarations marked."""
    document, program = _opened(params.text_document.uri)
    if document is None or program is None:
        return lsp.SemanticTokens(data=[])
    found = {}

    def add(span: Span, name: str, kind: str, declaration: bool = False):
        if span.file is None and span.line == span.end_line and span.end_column - span.column == len(name):
            found[(span.line, span.column)] = (len(name), SEMANTIC_TYPES.index(kind), 1 if declaration else 0)

    for step in program.pipeline.steps:
        if "${" not in step.name:
            add(step.name_span, step.name, "class", True)
    for param in program.pipeline.params:
        add(param.name_span, param.name, "parameter", True)
    for let in program.source_file.lets + program.pipeline.lets:
        add(let.name_span, let.name, "variable", True)
    for var in program.source_file.vars + program.pipeline.vars:
        add(var.name_span, var.name, "variable", True)
    for template in program.source_file.templates:
        add(template.name_span, template.name, "type", True)
    values = [let.value for let in program.pipeline.lets] + [a.value for a in program.pipeline.attributes]
    for step in program.pipeline.steps:
        values.extend(ir.step_values(step))
    for value in values:
        for node in ir.walk(value):
            if isinstance(node, ir.Ref):
                kind = ("class" if node.name in program.steps else "parameter" if node.name in program.params
                        else "variable" if node.name in program.lets else None)
                if kind:
                    add(node.name_span, node.name, kind)
                    if kind == "class":
                        for part in node.parts:
                            if isinstance(part, ir.Member):
                                add(part.span, part.name, "property")
            elif isinstance(node, ir.Call) and node.name in FUNCTIONS:
                add(node.name_span, node.name, "function")
    lines = document.text.split("\n")
    data: List[int] = []
    previous = (0, 0)
    for (line, column), (length, token_kind, modifiers) in sorted(found.items()):
        source = lines[line - 1] if line <= len(lines) else ""
        start = _utf16(source[: column - 1])
        width = _utf16(source[column - 1: column - 1 + length])
        delta_line = line - 1 - previous[0]
        data += [delta_line, start - previous[1] if delta_line == 0 else start, width, token_kind, modifiers]
        previous = (line - 1, start)
    return lsp.SemanticTokens(data=data)


# --- formatting and quick fixes ----------------------------------------------------------------

@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: LanguageServer, params: lsp.DocumentFormattingParams) -> List[lsp.TextEdit]:
    from dsl.tools.formatter import FormatError
    from dsl.tools.formatter import format as format_text

    opened = DOCUMENTS.get(params.text_document.uri)
    if opened is None:  # not opened by the client: never read from disk
        return []
    document = ls.workspace.get_text_document(params.text_document.uri)
    try:
        formatted = format_text(document.source, _filename(params.text_document.uri))
    except FormatError:
        return []
    if formatted == document.source:
        return []
    lines = document.source.split("\n")
    end = lsp.Position(line=len(lines), character=0)
    return [lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0), end=end), new_text=formatted)]


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
def code_actions(ls: LanguageServer, params: lsp.CodeActionParams) -> List[lsp.CodeAction]:
    actions = []
    for diagnostic in params.context.diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else None
        replacement = data.get("replace") if data else None
        if not replacement:
            match = _DID_YOU_MEAN.search(diagnostic.message)
            replacement = match.group(1) if match else None
        if not replacement:
            continue
        edit = lsp.WorkspaceEdit(changes={params.text_document.uri: [lsp.TextEdit(range=diagnostic.range,
                                                                                  new_text=replacement)]})
        actions.append(lsp.CodeAction(title=f"Change to `{replacement}`", kind=lsp.CodeActionKind.QuickFix,
                                      diagnostics=[diagnostic], edit=edit, is_preferred=True))
    return actions


def main() -> None:
    server.start_io()
