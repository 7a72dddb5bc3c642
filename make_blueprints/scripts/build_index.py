"""Generate make_blueprints/INDEX.md from index.json (run after adding or editing a pattern).

    python make_blueprints/scripts/build_index.py

The test suite fails when INDEX.md differs from what this script would write.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_index_md(index: list[dict]) -> str:
    """Return the INDEX.md text for the catalogue entries in ``index``."""
    lines = [
        "# Blueprint index",
        "",
        "> Generated from [index.json](index.json) by `scripts/build_index.py`; do not edit by hand.",
        "> Every blueprint passes the structural, leak and facade OpenAPI checks in `tests/make_blueprints/`.",
        "",
        "| Pattern | Description | Trigger | Demonstrates | Modules |",
        "|---|---|---|---|---|",
    ]
    for e in index:
        lines.append(
            f"| [{e['title']}](patterns/{e['slug']}/) ([blueprint](patterns/{e['slug']}/blueprint.json)) "
            f"| {e['description']} | {e['trigger']} | {', '.join(e['patterns'])} "
            f"| {', '.join(f'`{m}`' for m in e['modules'])} |"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    index = json.loads((ROOT / "index.json").read_text(encoding="utf-8"))
    (ROOT / "INDEX.md").write_text(build_index_md(index), encoding="utf-8")
    print(f"INDEX.md regenerated ({len(index)} entries).")


if __name__ == "__main__":
    main()
