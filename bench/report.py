"""The figures of a bench run: latency percentiles, throughput, its share of the floor, queries per
request; and the human-readable table (`supportal bench run` without --json)."""

from __future__ import annotations

import math
import statistics
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.operations import Operation
    from bench.run import RunOptions


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return round(sorted_values[rank - 1], 2)


def _latency(measured: dict[str, Any], seconds: float) -> dict[str, Any]:
    values = sorted(measured["latencies_ms"])
    return {
        "requests": len(values),
        "rps": round(len(values) / seconds, 1),
        "p50_ms": percentile(values, 0.50),
        "p95_ms": percentile(values, 0.95),
        "p99_ms": percentile(values, 0.99),
        "mean_ms": round(statistics.fmean(values), 2) if values else None,
        "response_bytes": round(measured["bytes"] / len(values)) if values else 0,
    }


def _queries(counts: dict[str, int]) -> dict[str, int] | None:
    """Min, median and max of X-Bench-Queries over the measured requests (None: no header seen)."""
    values = sorted(int(value) for value, count in counts.items() for _ in range(count))
    if not values:
        return None
    return {"min": values[0], "median": values[len(values) // 2], "max": values[-1]}


def summarise(
    op: Operation, measured: dict[str, Any], floor: dict[str, Any], options: RunOptions
) -> dict[str, Any]:
    figures = _latency(measured, options.seconds)
    floor_figures = _latency(floor, options.floor_seconds)
    return {
        "name": op.name,
        "label": op.label,
        "method": op.method,
        "path": op.paths[0] if len(op.paths) == 1 else f"{op.paths[0]} (and {len(op.paths) - 1} more)",
        "status": "measured",
        **figures,
        "errors": measured["errors"],
        "statuses": measured["statuses"],
        "error_sample": measured["error_sample"],
        "queries_per_request": _queries(measured["queries"]),
        "floor": {k: floor_figures[k] for k in ("rps", "p50_ms", "p95_ms", "response_bytes")}
        | {"errors": floor["errors"], "queries_per_request": _queries(floor["queries"])},
        "share_of_floor": round(figures["rps"] / floor_figures["rps"], 3) if floor_figures["rps"] else None,
    }


def not_built(op: Operation) -> dict[str, Any]:
    return {"name": op.name, "label": op.label, "status": op.not_built}


COLUMNS = ("operation", "p50 ms", "p95 ms", "p99 ms", "req/s", "floor req/s", "of floor", "queries", "errors")


def table(result: dict[str, Any]) -> str:
    context, options = result["context"], result["options"]
    lines = [
        f"Supportal bench: {context['database']} ({context['database_name']}), {context['cases']:,} cases; "
        f"gunicorn {options['workers']} workers x {options['threads']} threads; "
        f"{options['concurrency']} clients, {options['seconds']:g} s per operation; "
        f"{context['cpus']} CPUs, load average {context['load_average_start'][0]:.1f} at start.",
        "",
    ]
    measured = [op for op in result["operations"] if op["status"] == "measured"]
    cells = [COLUMNS, *(_cells(op) for op in measured)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    for row in cells:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    for op in result["operations"]:
        if op["status"] != "measured":
            lines.append(f"{op['label']:<{widths[0]}}  {op['status']}")
    memory = result.get("memory", {})
    if memory.get("peak_rss_mb") is not None:
        lines += [
            "",
            f"Web workers: peak RSS {memory['peak_rss_mb']:.0f} MB, now {memory['rss_mb']:.0f} MB "
            f"(at start {memory['start_rss_mb'] or 0:.0f} MB), after {memory['requests']:,} requests.",
        ]
    elif memory.get("note"):
        lines += ["", f"Web workers' memory: {memory['note']}."]
    samples = [
        f"  {op['name']}: {op['error_sample']}" for op in result["operations"] if op.get("error_sample")
    ]
    if samples:
        lines += ["", "Errors (first of each operation):", *samples]
    return "\n".join(lines)


def _cells(op: dict[str, Any]) -> tuple[str, ...]:
    queries = op["queries_per_request"]
    if queries is None:
        span = "?"
    elif queries["min"] == queries["max"]:
        span = str(queries["min"])
    else:
        span = f"{queries['min']}-{queries['max']}"
    share = op["share_of_floor"]
    return (
        op["label"], _num(op["p50_ms"]), _num(op["p95_ms"]), _num(op["p99_ms"]), _num(op["rps"]),
        _num(op["floor"]["rps"]), "?" if share is None else f"{share:.1%}", span, str(op["errors"]),
    )  # fmt: skip


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"
