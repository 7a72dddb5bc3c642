"""Write docs/benchmarks.md from the results of one run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import machine, table

INTRO = """\
# Benchmarks

Measured by `bench/` (not part of the test run) in **one run on one machine**, against the Symbl
sandbox (`connector/sandbox/`) given realistic latencies, and the real facade as users run it
(`connector serve`: gunicorn + gevent). Ratios compare figures from this same run; absolute times
are context only. How each figure is produced, and the tools used, is in
[bench/README.md](../bench/README.md).
"""


def _section(name: str, results: dict[str, Any], render) -> str:
    r = results.get(name)
    if r is None:
        return "_Not run in this run (see `--only`)._"
    if "_error" in r:
        return f"_This section failed in this run:_\n\n```\n{r['_error']}\n```"
    return render(r) + f"\n\n_Section time: {r['_seconds']:.0f} s._"


def _foreign_sections(path: Path, parts: list[str]) -> list[str]:
    """Sections other people added to the doc (headings this report does not write) are kept, at the end."""
    if not path.exists():
        return []
    mine = {line for part in parts for line in part.splitlines() if line.startswith("## ")}
    kept, current = [], None
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            current = [line] if line not in mine else None
            if current is not None:
                kept.append(current)
        elif current is not None:
            current.append(line)
    return ["\n".join(block).strip() for block in kept]


def write(path: Path, results: dict[str, Any], settings: dict[str, Any], *, command: str, total: float,
          quick: bool, reused: list[str] | None = None) -> None:
    from bench import concurrency, detection, flatten, insights, overhead, targets, tokens, upload

    info = machine()
    parts = [INTRO]
    parts.append("## Reproduce\n\n```bash\nsource .venv/bin/activate && pip install -r bench/requirements.txt"
                 " && apt-get install -y hey\n" + "python -m bench" + (" --quick" if quick else "") + "        # or: bash bench/run.sh"
                 + (" --quick" if quick else "") + "\n```\n")
    parts.append(f"This run: `{command}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
                 f"{total / 60:.1f} min." + (" **Quick mode: smaller sizes, fewer repetitions.**" if quick else "")
                 + (f" Sections {', '.join(reused)} come from the previous full run on the same machine "
                    f"(`--reuse`; that full `python -m bench` took {results.get('_previous_total', 0) / 60:.1f} min); "
                    f"the others were re-run." if reused else ""))
    parts.append("\n**Machine:** " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".\n")
    parts.append("## Targets (docs/design.md)\n\n" + targets.render(results))
    parts.append("## 1. Completion detection delay and status calls per job\n\n" + detection.DOC.format(
        scale_inv=round(1 / settings["detection"]["scale"]), n_factors=len(settings["detection"]["factors"]),
        factors="{" + ", ".join(f"{f:g}" for f in settings["detection"]["factors"]) + "}")
                 + "\n\n" + _section("detection", results, detection.render))
    parts.append("## 2. get-insights latency\n\n" + insights.__doc__.strip().replace("\n", " ")
                 + "\n\n" + _section("insights", results, insights.render))
    parts.append("## 3. Concurrent waiting requests on one `connector serve`\n\n" + concurrency.DOC
                 + "\n\n" + _section("concurrency", results, concurrency.render))
    parts.append("## 4. Token generations per token lifetime\n\n" + tokens.DOC
                 + "\n\n" + _section("tokens", results, tokens.render))
    parts.append("## 5. Flattening time\n\n" + flatten.__doc__.strip().replace("\n", " ")
                 + "\n\n" + _section("flatten", results, flatten.render))
    parts.append("## 6. Memory during a streamed upload\n\n" + upload.DOC
                 + "\n\n" + _section("upload", results, upload.render))
    parts.append("## 7. Facade overhead per request at a fixed rate\n\n" + overhead.DOC
                 + "\n\n" + _section("overhead", results, overhead.render))
    parts.append("## Misses\n\nFigures of this run that miss a target. `connector/` was not changed by this "
                 "benchmark work (others are changing it); each miss has a diagnosis and a proposed change for the "
                 "lead.\n\n" + targets.misses(results))
    parts.extend(_foreign_sections(path, parts))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(parts).rstrip() + "\n")
