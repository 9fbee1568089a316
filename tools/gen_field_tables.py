"""Rewrite the generated field tables of docs/LANGUAGE.md from the kinds' declarations.

    python tools/gen_field_tables.py
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsl.extension.plugin_manager import build_registry  # noqa: E402
from dsl.tools.field_tables import replace_in  # noqa: E402

page = ROOT / "docs" / "LANGUAGE.md"
registry = build_registry(entry_points=False)
page.write_text(replace_in(page.read_text(encoding="utf-8"), registry.kinds), encoding="utf-8")
print(f"wrote the field tables of {page.relative_to(ROOT)} ({len(registry.kinds)} kinds)")
