"""`python -m bench [--quick] [--only a,b] [--out docs/benchmarks.md]`: run the benchmarks, write the doc."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench import common
from bench.common import ROOT, log, raise_nofile

SECTIONS = ["detection", "insights", "concurrency", "tokens", "flatten", "upload", "overhead"]


def plan(quick: bool) -> dict[str, dict[str, Any]]:
    if quick:
        return {
            "detection": {"scale": 1 / 30, "durations": [5, 30, 120], "factors": (0.91, 1.09)},
            "insights": {"reps": 3},
            "concurrency": {"runs": [(1, 1000)], "hold": 8},
            "tokens": {"ttl": 8, "lifetimes": 3},
            "flatten": {"sizes": [10, 100, 1000, 10000], "budget": 0.5},
            "upload": {"sizes_mb": [20, 100]},
            "overhead": {"seconds": 5, "rate": 50},
        }
    return {
        "detection": {"scale": 1 / 10, "durations": [5, 30, 120, 600, 1800], "factors": (0.91, 0.97, 1.03, 1.09)},
        "insights": {"reps": 10},
        "concurrency": {"runs": [(1, 1000), (1, 1900), (2, 3000)], "hold": 15},
        "tokens": {"ttl": 20, "lifetimes": 4},
        "flatten": {"sizes": [10, 100, 1000, 10000], "budget": 3.0},
        "upload": {"sizes_mb": [50, 500]},
        "overhead": {"seconds": 20, "rate": 100},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run (about 2 minutes)")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(SECTIONS)}")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--json", default="", help="also write the raw results here")
    parser.add_argument("--reuse", default="", help="a --json file: take the sections not run now from it")
    args = parser.parse_args(argv)
    raise_nofile()
    chosen = [s for s in SECTIONS if not args.only or s in args.only.split(",")]
    settings = plan(args.quick)
    results: dict[str, Any] = {}
    reused: list[str] = []
    if args.reuse:
        previous = json.loads(Path(args.reuse).read_text())
        reused = [s for s in SECTIONS if s not in chosen and s in previous]
        results.update({s: previous[s] for s in reused})
        # a reused file may itself be a partial run: keep the full run's time
        results["_previous_total"] = previous.get("_previous_total") or previous.get("_total", 0)
    started = time.time()
    for name in chosen:
        module = __import__(f"bench.{name}", fromlist=["run", "render"])
        t = time.time()
        log(f"== {name}")
        try:
            results[name] = module.run(**settings[name])
            results[name]["_seconds"] = time.time() - t
        except Exception:
            traceback.print_exc()
            results[name] = {"_error": traceback.format_exc(limit=3)}
    total = time.time() - started
    command = "python -m bench" + (" --quick" if args.quick else "") + (f" --only {args.only}" if args.only else "")
    from bench.report import write

    ordered = {s: results[s] for s in SECTIONS if s in results}
    ordered["_previous_total"] = results.get("_previous_total", 0)
    write(Path(args.out), ordered, settings, command=command, total=total, quick=args.quick, reused=reused)
    if args.json:
        Path(args.json).write_text(json.dumps({**ordered, "_quick": args.quick, "_total": total}, indent=1, default=str))
    log(f"wrote {args.out} in {total / 60:.1f} min")
    return 0 if all("_error" not in r for k, r in ordered.items() if not k.startswith("_")) else 1


if __name__ == "__main__":
    sys.exit(main())
