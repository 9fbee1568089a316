"""Rewrite the generated migration tables of docs/SDK-V3.md from the kinds' declarations.

    python tools/gen_sdk_v3_tables.py
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsl.extension.plugin_manager import build_registry  # noqa: E402
from dsl.tools.sdk_v3_tables import replace_in  # noqa: E402

page = ROOT / "docs" / "SDK-V3.md"
registry = build_registry(entry_points=False)
page.write_text(replace_in(page.read_text(encoding="utf-8"), registry.kinds), encoding="utf-8")
print(f"wrote the SDK v3 tables of {page.relative_to(ROOT)} ({len(registry.kinds)} kinds)")
