"""`python -m tests.bench` (`make bench`): run every tests/bench/bench_*.py module's
`run(quick)`, print their tables and write bench/results/latest.json. Times are
reported, never asserted. BENCH_QUICK=1 makes a smoke run and BENCH_ONLY=name runs one
module; both write bench/results/quick.json instead.
"""

import importlib
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from tests.bench.report import print_result, write_results

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR.parents[1] / "bench" / "results"


def discover() -> list[str]:
    return sorted(path.stem for path in BENCH_DIR.glob("bench_*.py"))


def main() -> int:
    # Wide enough for the tables when the output goes to a file or a pipe.
    console = Console(width=None if sys.stdout.isatty() else 170)
    quick = os.environ.get("BENCH_QUICK") == "1"
    only = os.environ.get("BENCH_ONLY")
    results: dict = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "quick": quick,
        "modules": {},
    }
    failed = False
    for name in discover():
        if only and name != only and name != f"bench_{only}":
            continue
        console.rule(name)
        began = time.perf_counter()
        try:
            result = importlib.import_module(f"tests.bench.{name}").run(quick=quick)
        except Exception:  # one broken benchmark must not hide the others' figures
            failed = True
            console.print(f"[red]{name} failed:[/red]\n{traceback.format_exc()}")
            results["modules"][name] = {"error": traceback.format_exc()}
            continue
        result["seconds"] = round(time.perf_counter() - began, 1)
        results["modules"][name] = result
        print_result(console, result)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    # Smoke runs and partial runs must not replace the figures of the last full run.
    path = RESULTS_DIR / ("quick.json" if quick or only else "latest.json")
    write_results(path, results)
    console.print(f"Results written to {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
