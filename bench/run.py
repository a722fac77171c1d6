"""`supportal bench run`: the server under load, one operation after another.

For each operation: `GENERATORS` load-generator processes (bench/loadgen.py) with the concurrency split
between them run closed-loop clients on loopback for the warm-up and the measured seconds; then the
floor (a bare view answering as many bytes as the operation's mean response) at the same concurrency.
Every process started here is stopped here, on errors and Ctrl-C too.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from types import FrameType
from typing import Any

from django.db import connection, connections

from bench import operations, report
from bench.operations import Operation
from bench.server import Server, ServerError, bench_env, memory_of

GENERATORS = 2  # load-generator processes (the machine this was written for has 2 cores)
START_DELAY = 0.75  # seconds for the generators to start before the clock begins
EXIT_GRACE = 90.0


class BenchError(Exception):
    pass


@dataclass
class RunOptions:
    workers: int = 2
    threads: int = 4
    concurrency: int = 8
    seconds: float = 10.0
    warmup: float = 2.0
    floor_seconds: float = 3.0
    only: list[str] = field(default_factory=list)
    base_url: str = ""


def run(options: RunOptions, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Measure every operation. SIGTERM, like Ctrl-C, stops all it started and raises KeyboardInterrupt."""
    _check(options)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupted) if main else None
    try:
        return _run(options, say)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _run(options: RunOptions, say: Callable[[str], None]) -> dict[str, Any]:
    try:
        fixtures = operations.prepare()
    except operations.NotSeeded as error:
        raise BenchError(str(error)) from None
    result: dict[str, Any] = {"context": _context(options), "options": asdict(options), "operations": []}
    try:
        chosen = [op for op in operations.operations(fixtures) if not options.only or op.name in options.only]
        connections.close_all()  # nothing of ours is held open while the server works
        server = Server(options.workers, options.threads) if not options.base_url else None
        with server or nullcontext():
            base_url = server.base_url if server else options.base_url.rstrip("/")
            say(f"Server at {base_url}; {len(chosen)} operations, {options.seconds:g} s each.")
            start_memory = _memory(server)
            sent = 0
            for op in chosen:
                if op.not_built:
                    result["operations"].append(report.not_built(op))
                    continue
                say(f"  {op.label} ...")
                measured = measure(base_url, op, options, options.seconds)
                size = max(1, round(measured["bytes"] / max(1, len(measured["latencies_ms"]))))
                floor = measure(base_url, operations.floor_operation(size), options, options.floor_seconds)
                sent += measured["sent"] + floor["sent"]
                result["operations"].append(report.summarise(op, measured, floor, options))
            result["memory"] = _memory(server) | {
                "start_rss_mb": start_memory.get("rss_mb"),
                "requests": sent,
            }
    except ServerError as error:
        raise BenchError(str(error)) from None
    finally:
        fixtures.close()
    result["context"]["load_average_end"] = list(os.getloadavg())
    return result


def _check(options: RunOptions) -> None:
    limits = (
        ("--workers", options.workers, 1, 64),
        ("--threads", options.threads, 1, 64),
        ("--concurrency", options.concurrency, 1, 512),
        ("--seconds", options.seconds, 0.1, 3600),
        ("--warmup", options.warmup, 0, 600),
        ("--floor-seconds", options.floor_seconds, 0.1, 3600),
    )
    for name, value, low, high in limits:
        if not low <= value <= high:
            raise BenchError(f"{name} must be between {low} and {high}.")
    known = {"my_cases", "organisation_cases", "search", "case_detail", "agent_case", "agent_queue"}
    known |= {"api_case_create", "api_comment", "email_ingest", "alert_new", "alert_repeat", "sla_tick"}
    unknown = set(options.only) - known
    if unknown:
        raise BenchError(f"Unknown operations {sorted(unknown)}; choose from {sorted(known)}.")


def measure(base_url: str, op: Operation, options: RunOptions, seconds: float) -> dict[str, Any]:
    """Run the generators for one operation; their merged result (see loadgen.run)."""
    start_at = time.time() + START_DELAY
    counts = [
        options.concurrency // GENERATORS + (1 if n < options.concurrency % GENERATORS else 0)
        for n in range(GENERATORS)
    ]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for n, threads in enumerate(c for c in counts if c):
            spec = {
                "base_url": base_url, "method": op.method, "paths": list(op.paths), "headers": op.headers,
                "bodies": list(op.bodies) if op.bodies else None, "expect": op.expect, "threads": threads,
                "start_at": start_at, "warmup": options.warmup, "seconds": seconds, "process": n,
            }  # fmt: skip
            process = subprocess.Popen(
                [sys.executable, "-m", "bench.loadgen"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                env=bench_env(), process_group=0,
            )  # fmt: skip
            processes.append(process)
            assert process.stdin is not None
            process.stdin.write(json.dumps(spec).encode())  # the spec holds tokens: not on the command line
            process.stdin.close()
            process.stdin = None  # so that communicate() below only reads
        deadline = start_at + options.warmup + seconds + EXIT_GRACE
        results = []
        for process in processes:
            output, _ = process.communicate(timeout=max(1.0, deadline - time.time()))
            if process.returncode != 0:
                raise BenchError(f"A load generator failed (exit {process.returncode}).")
            results.append(json.loads(output))
    except subprocess.TimeoutExpired:
        raise BenchError(f"The load generators of {op.name} did not finish in time.") from None
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return _merge(results)


def _merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {"latencies_ms": [], "statuses": {}, "queries": {}, "bytes": 0, "errors": 0}
    merged |= {"error_sample": "", "sent": 0}
    for part in results:
        merged["latencies_ms"] += part["latencies_ms"]
        for key in ("statuses", "queries"):
            for value, count in part[key].items():
                merged[key][value] = merged[key].get(value, 0) + count
        for key in ("bytes", "errors", "sent"):
            merged[key] += part[key]
        merged["error_sample"] = merged["error_sample"] or part["error_sample"]
    return merged


def _memory(server: Server | None) -> dict[str, Any]:
    if server is None:
        return {"workers": [], "note": "not measured: the server was started elsewhere (--base-url)"}
    workers = [{"pid": pid, **memory_of(pid)} for pid in server.worker_pids()]
    return {
        "workers": workers,
        "rss_mb": max((w.get("rss_mb", 0.0) for w in workers), default=None),
        "peak_rss_mb": max((w.get("peak_rss_mb", 0.0) for w in workers), default=None),
    }


def _context(options: RunOptions) -> dict[str, Any]:
    from supportal.cases.models import Case

    database = connection.settings_dict
    return {
        "database": connection.vendor,
        "database_name": str(database["NAME"]),
        "cases": Case.objects.count(),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "load_average_start": list(os.getloadavg()),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
