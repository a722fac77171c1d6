"""The figures of `supportal bench chat`: latency percentiles per direction, messages per second,
delivery (every message once, in order), errors, the server's memory per socket; and the table."""

from __future__ import annotations

import math
from typing import Any

from bench.chat_clients import SIDES, Tally, direction
from bench.report import percentile

DIRECTIONS = tuple(direction(side) for side in SIDES)


def _latency(values: list[float], seconds: float) -> dict[str, Any]:
    ordered = sorted(v for v in values if not math.isnan(v))
    return {
        "messages": len(values),
        "p50_ms": percentile(ordered, 0.50),
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
        "max_ms": round(ordered[-1], 2) if ordered else None,
        "per_second": round(len(values) / seconds, 1) if seconds > 0 else None,
    }


def summarise(tally: Tally, memory: dict[str, Any], sockets: int) -> dict[str, Any]:
    span = (
        tally.last_receive - tally.first_send
        if tally.first_send is not None and tally.last_receive is not None
        else 0.0
    )
    everything = [v for way in DIRECTIONS for v in tally.latencies_ms.get(way, [])]
    latency = {way: _latency(tally.latencies_ms.get(way, []), span) for way in DIRECTIONS}
    latency["both"] = _latency(everything, span)
    half = tally.expected // 2
    delivery = {
        way: {
            "expected": half,
            "received": len(tally.latencies_ms.get(way, [])),
            "missing": half - len(tally.latencies_ms.get(way, [])),
            "duplicates": tally.duplicates[way],
            "out_of_order": tally.out_of_order[way],
        }
        for way in DIRECTIONS
    }
    errors = {
        "error_frames": tally.error_frames,
        "failed_sockets": tally.failed_sockets,
        "closed_early": tally.closed_early,
        "send_failures": tally.send_failures,
        "missing": tally.expected - tally.received,
        "duplicates": sum(tally.duplicates.values()),
        "out_of_order": sum(tally.out_of_order.values()),
    }
    before = memory.get("before", {}).get("rss_mb")
    joined = memory.get("joined", {}).get("rss_mb")
    per_socket = (joined - before) * 1024 / sockets if before is not None and joined is not None else None
    return {
        "latency": latency,
        "delivery": delivery,
        "errors": errors | {"total": sum(errors.values())},
        "error_sample": tally.error_sample,
        "sent": tally.sent,
        "seconds_sending": round(span, 2),
        "memory": {
            "before_mb": before,
            "joined_mb": joined,
            "end_mb": memory.get("end", {}).get("rss_mb"),
            "peak_mb": memory.get("end", {}).get("peak_rss_mb"),
            "per_socket_kb": round(per_socket, 1) if per_socket is not None else None,
        },
    }


COLUMNS = ("direction", "messages", "p50 ms", "p95 ms", "p99 ms", "max ms", "msg/s")


def table(result: dict[str, Any]) -> str:
    context, options, memory = result["context"], result["options"], result["memory"]
    offered = 2 * context["customer_sockets"] / options["interval"]
    stored = result.get("stored") or {"messages": "?", "per_second": None, "seconds": 0.0}
    lines = [
        f"Supportal chat load: {context['database']} ({context['database_name']}); "
        f"{context['customer_sockets']} customer sockets + {context['agent_sockets']} agent sockets "
        f"({options['chats_per_agent']} chats each); {options['messages']} messages each way per chat, "
        f"one every {options['interval']:g} s (offered {offered:.1f} msg/s); {context['cpus']} CPUs, "
        f"load average "
        f"{context['load_average_start'][0]:.2f} at start, {context['load_average_end'][0]:.2f} at end.",
        "",
    ]
    rows = [COLUMNS] + [
        (
            way,
            str(f["messages"]),
            *(_num(f[k]) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "per_second")),
        )
        for way, f in result["latency"].items()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        cells = (
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        lines.append("  ".join(cells))
    errors = result["errors"]
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in errors.items() if k != "total")
    setup = ", ".join(f"{k.replace('_', ' ')} {v:.1f} s" for k, v in result["seconds"].items())
    lines += [
        "",
        f"Errors: {errors['total']} ({counts}).",
        f"Sent {result['sent']} messages; the server stored {stored['messages']} "
        f"({_num(stored['per_second'])} per second over {stored['seconds']:.0f} s).",
        f"Server memory (RSS): {_num(memory['before_mb'])} MB before the sockets, "
        f"{_num(memory['joined_mb'])} MB with all {context['sockets']} joined: "
        f"{_num(memory['per_socket_kb'])} KB per socket; {_num(memory['end_mb'])} MB at the end, "
        f"peak {_num(memory['peak_mb'])} MB.",
        f"Setup: {setup}; open files limit {context['open_files_limit']['now']}.",
    ]
    if result["error_sample"]:
        lines.append(f"First error: {result['error_sample']}")
    return "\n".join(lines)


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"
