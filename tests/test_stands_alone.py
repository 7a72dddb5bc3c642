"""The repository stands alone: no tracked file cites planning documents that a clone does not
have (they live outside the repository; what the code relies on is in docs/)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".git", ".venv", ".cache", "node_modules", "dist", "build", "__pycache__"}
# Built from parts so this file does not match itself.
OUTSIDE = "shared"
CITATION = re.compile(
    r"\.\./" + OUTSIDE + r"\b"
    r"|/work/" + OUTSIDE + r"\b"
    r"|(?<![\w@-])" + OUTSIDE + r"/(symbl-api|design|lowcode-platforms|containers|style)\.md"
)


def tracked_files() -> list[Path]:
    """The files git tracks (a plain walk of the tree when this is not a git checkout)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60)
        names = [n for n in listed.stdout.decode("utf-8", "replace").split("\0") if n]
    except (OSError, subprocess.SubprocessError):
        names = [
            str(p.relative_to(ROOT))
            for p in ROOT.rglob("*")
            if p.is_file() and not SKIPPED_DIRS.intersection(p.relative_to(ROOT).parts)
        ]
    return [ROOT / n for n in names if not SKIPPED_DIRS.intersection(Path(n).parts)]


def test_no_tracked_file_cites_documents_outside_the_repository():
    offenders = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if CITATION.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not offenders, "cite docs/ instead of documents outside the repository:\n" + "\n".join(offenders)


def test_the_pattern_catches_citations():
    assert CITATION.search("see " + "../" + OUTSIDE + "/design.md")
    assert CITATION.search("(" + OUTSIDE + "/symbl-api.md section 10)")
    assert not CITATION.search("node_modules/@vueuse/" + OUTSIDE + "/node_modules/vue-demi")
