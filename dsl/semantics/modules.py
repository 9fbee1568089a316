"""`import "common.pipe"`: reading the files a `.pipe` file imports (LANGUAGE.md section 13).

Each imported file is parsed like any other; its IR's spans are tagged with the file's name
(as shown to the user: the path joined to the importing file's folder), so that a problem in
it is reported at its own line:column. What an imported file contributes (its file-level
lets, vars and templates) is taken by `dsl.semantics.program`; this module only finds, reads and parses
the files, in dependency order, and reports missing files, cycles and pipelines.
"""
from __future__ import annotations

import os
from typing import Callable, Dict, List, Optional, Tuple

import attrs

from dsl.diagnostics import Diagnostic, Span, error
from dsl.semantics.localcode import folder_of
from dsl.syntax import ir, records, source

MAX_MODULES = 256  # far above real use; keeps a generated import chain from running away


@records.frozen
class Module:
    """One imported file: its name as shown, its text and its IR (spans tagged with `name`)."""

    name: str
    text: str
    file: ir.File


def in_file(node, name: str):
    """`node` with every span in it tagged with the file `name`."""
    if isinstance(node, Span):
        return attrs.evolve(node, file=name)
    if isinstance(node, tuple):
        return tuple(in_file(item, name) for item in node)
    if attrs.has(type(node)):
        changes = {}
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            if isinstance(value, (Span, tuple)) or attrs.has(type(value)):
                changes[field.name] = in_file(value, name)
        return attrs.evolve(node, **changes)
    return node


def _read(path: str) -> str:
    if os.path.isdir(path):
        raise IsADirectoryError(21, "it is a directory", path)
    return source.read_path(path)


def confined(path: str, folder: str, root: str) -> Optional[str]:
    """Why `import "path"` (from a file in `folder`) may not be read, or None: only `.pipe`
    files inside the project root are, so that no file outside it is opened, and no error
    quotes a line of a file that is not a `.pipe` file."""
    from dsl.semantics.localcode import escapes_root

    if not path.endswith(".pipe"):
        return f"`{path}` is not a `.pipe` file: only `.pipe` files can be imported"
    return escapes_root(path, folder, root)


def load(file: ir.File, filename: str, read: Optional[Callable[[str], str]] = None,
         root: Optional[str] = None) -> Tuple[List[Module], List[Diagnostic]]:
    """The files `file` imports, directly or not, each once, those imported first before
    those that import them; and the problems found reading them. Only `.pipe` files inside
    `root` (default: `filename`'s folder) are read."""
    from dsl.syntax.parser import SyntaxProblem, parse_tree
    from dsl.syntax.transformer import to_ir

    read = read or _read
    root = root if root is not None else folder_of(filename) or "."
    modules: List[Module] = []
    problems: List[Diagnostic] = []
    done: Dict[str, Module] = {}
    importing: List[Tuple[str, Span]] = []  # the chain being read: (real path, import span)

    def visit(imports, importer: str):
        for imp in imports:
            refused = confined(imp.path, folder_of(importer), root)
            if refused is not None:
                problems.append(error("E0170", f"cannot import: {refused}", imp.path_span, "not imported",
                                      "imports are `.pipe` files inside the project root (the top file's "
                                      "folder, or --root)"))
                continue
            shown = os.path.normpath(os.path.join(folder_of(importer), imp.path))
            real = os.path.realpath(shown)
            on_chain = [i for i, (path, _) in enumerate(importing) if path == real]
            if real in done and not on_chain:
                continue
            if on_chain or real == os.path.realpath(filename or ""):
                notes = [(importing[on_chain[0]][1], "imported here first")] if on_chain else []
                problems.append(error("E0171", f"`{imp.path}` imports itself through this import", imp.path_span,
                                      "an import cycle", "move what both files need into a third file",
                                      notes=notes))
                continue
            if len(done) >= MAX_MODULES:
                problems.append(error("E0170", f"more than {MAX_MODULES} files imported", imp.path_span, "too many"))
                return
            try:
                text = read(shown)
            except (OSError, source.SourceError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                problems.append(error("E0170", f"cannot import `{imp.path}`: {reason}", imp.path_span,
                                      "cannot read this file",
                                      f"paths are relative to the importing file's folder ({shown})"))
                continue
            early = source.problems(text)
            if early:
                problems.extend(in_file(tuple(early), shown))
                continue
            try:
                top, comments, found = parse_tree(text)
            except SyntaxProblem as problem:
                problems.extend(in_file(tuple(problem.diagnostics), shown))
                continue
            module_ir, found = to_ir(top, comments, text, shown, found)
            module_ir = in_file(module_ir, shown)
            problems.extend(in_file(tuple(found) + tuple(source.bidi_warnings(text)), shown))
            for pipeline in module_ir.pipelines:
                problems.append(error("E0172", f"an imported file cannot declare a pipeline (`{pipeline.name}`)",
                                      pipeline.name_span, "a pipeline in an imported file",
                                      "imported files hold lets, vars and templates; move the pipeline out",
                                      notes=[(imp.path_span, "imported here")]))
            module = Module(shown, text, module_ir)
            done[real] = module
            importing.append((real, imp.path_span))
            visit(module_ir.imports, shown)
            importing.pop()
            modules.append(module)

    visit(file.imports, filename)
    return modules, problems
