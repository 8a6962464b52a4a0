"""The pure part of the benchmarks: percentiles, targets, the printed table and the JSON file.

Every benchmark module returns a result of the same shape:

    {"title": str,
     "scenarios": [{"name", "requests", "errors", "rps", "p50_ms", "p95_ms", "p99_ms",
                    "cpu_ms_per_request", "target", "met", ...}],
     "figures": [{"name", "value", "unit", "target", "met"}],
     "notes": [str]}

A target is a list of (metric, operator, bound) conditions, written as text for the
reader ("p50_ms < 10, rps >= 500") and checked here; `met` is None when the metric
could not be measured.
"""

import json
import math
import operator
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
Condition = tuple[str, str, float]


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` (0..1) percentile, interpolated between the two nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(seconds: Sequence[float]) -> dict:
    """Median and tail latencies in milliseconds, rounded for reading."""
    summary = {}
    for name, fraction in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        value = percentile(seconds, fraction)
        summary[name] = None if value is None else round(value * 1000, 2)
    return summary


def describe(conditions: Sequence[Condition]) -> str:
    return ", ".join(f"{metric} {op} {bound:g}" for metric, op, bound in conditions)


def check(values: dict, conditions: Sequence[Condition]) -> bool | None:
    """Whether `values` meet every condition; None when a condition's metric is missing."""
    if not conditions:
        return None
    results = []
    for metric, op, bound in conditions:
        value = values.get(metric)
        if value is None:
            return None
        results.append(OPERATORS[op](value, bound))
    return all(results)


def with_target(entry: dict, conditions: Sequence[Condition]) -> dict:
    """`entry` with its target written out and whether it is met."""
    return {**entry, "target": describe(conditions), "met": check(entry, conditions)}


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _verdict(met: bool | None) -> str:
    return {True: "[green]met[/green]", False: "[red]missed[/red]", None: ""}[met]


SCENARIO_COLUMNS = [
    ("requests", "requests"),
    ("errors", "errors"),
    ("rps", "req/s"),
    ("p50_ms", "p50 ms"),
    ("p95_ms", "p95 ms"),
    ("p99_ms", "p99 ms"),
    ("cpu_ms_per_request", "CPU ms/req"),
]


def print_result(console: Console, result: dict) -> None:
    """One table of scenarios and one of figures, with each target and its verdict."""
    if result.get("scenarios"):
        table = Table(title=result["title"], title_justify="left")
        table.add_column("scenario")
        for _key, label in SCENARIO_COLUMNS:
            table.add_column(label, justify="right")
        table.add_column("target")
        table.add_column("")
        for row in result["scenarios"]:
            table.add_row(
                row["name"],
                *(_cell(row.get(key)) for key, _label in SCENARIO_COLUMNS),
                row.get("target", ""),
                _verdict(row.get("met")),
            )
        console.print(table)
    if result.get("figures"):
        title = "" if result.get("scenarios") else result["title"]
        table = Table(title=title or None, title_justify="left")
        for label in ("figure", "value", "unit", "target", ""):
            table.add_column(label, justify="right" if label == "value" else "left")
        for row in result["figures"]:
            table.add_row(
                row["name"],
                _cell(row.get("value")),
                row.get("unit", ""),
                row.get("target", ""),
                _verdict(row.get("met")),
            )
        console.print(table)
    for note in result.get("notes", []):
        console.print(f"  [dim]{note}[/dim]")


def write_results(path: Path, results: dict) -> None:
    """Write every module's result as one JSON document (the directory is made if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
