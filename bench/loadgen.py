"""The load generator: one process of `threads` closed-loop clients, each with its own keep-alive
connection, sending one operation's requests for a fixed time. No Django here.

    python -m bench.loadgen < spec.json > result.json

The spec names the requests (paths and bodies are taken in turn; `{n}` in a body becomes a number no
other request of the run has), the headers, the expected status, when to start (wall clock, so that
every generator process starts together), the warm-up and the measured seconds. Requests that start
during the measured window count; the result has their latencies, statuses, the `X-Bench-Queries`
values and the bytes received.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

QUERIES_HEADER = "X-Bench-Queries"
REQUEST_TIMEOUT = 60.0


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    queries: Counter[str] = field(default_factory=Counter)
    bytes: int = 0
    errors: int = 0
    error_sample: str = ""
    sent: int = 0  # every request, warm-up included


def run(spec: dict[str, Any]) -> dict[str, Any]:
    tallies = [Tally() for _ in range(int(spec["threads"]))]
    offset = time.time() - time.perf_counter()  # wall clock -> perf_counter
    begin = float(spec["start_at"]) - offset
    measure_from = begin + float(spec["warmup"])
    until = measure_from + float(spec["seconds"])
    threads = [
        threading.Thread(target=_client, args=(spec, n, tally, begin, measure_from, until), daemon=True)
        for n, tally in enumerate(tallies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=until - time.perf_counter() + REQUEST_TIMEOUT + 5)
    total = Tally()
    for tally in tallies:
        total.latencies_ms += tally.latencies_ms
        total.statuses.update(tally.statuses)
        total.queries.update(tally.queries)
        total.bytes += tally.bytes
        total.errors += tally.errors
        total.sent += tally.sent
        total.error_sample = total.error_sample or tally.error_sample
    return {
        "latencies_ms": total.latencies_ms,
        "statuses": dict(total.statuses),
        "queries": dict(total.queries),
        "bytes": total.bytes,
        "errors": total.errors,
        "error_sample": total.error_sample,
        "sent": total.sent,
    }


def _client(
    spec: dict[str, Any], thread: int, tally: Tally, begin: float, measure_from: float, until: float
) -> None:
    url = urlsplit(spec["base_url"])
    paths: list[str] = spec["paths"]
    bodies: list[str] | None = spec.get("bodies")
    headers: dict[str, str] = spec.get("headers") or {}
    expect = int(spec["expect"])
    tag = f"{spec.get('process', 0)}-{thread}"
    connection: http.client.HTTPConnection | None = None
    time.sleep(max(0.0, begin - time.perf_counter()))
    i = thread  # clients start at different places in the lists
    while (started := time.perf_counter()) < until:
        path = paths[i % len(paths)]
        body = bodies[i % len(bodies)].replace("{n}", f"{tag}-{i}").encode() if bodies else None
        i += 1
        try:
            if connection is None:
                connection = http.client.HTTPConnection(
                    url.hostname or "127.0.0.1", url.port, timeout=REQUEST_TIMEOUT
                )
            connection.request(spec["method"], path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            status, queries = response.status, response.getheader(QUERIES_HEADER)
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as error:
            if connection is not None:
                connection.close()
            connection = None
            status, queries, data = 0, None, repr(error).encode()
        elapsed = time.perf_counter() - started
        tally.sent += 1
        if started < measure_from:
            continue
        tally.latencies_ms.append(elapsed * 1000)
        tally.statuses[str(status)] += 1
        tally.bytes += len(data)
        if queries is not None:
            tally.queries[queries] += 1
        if status != expect:
            tally.errors += 1
            tally.error_sample = (
                tally.error_sample or f"{status} {path}: {data[:300].decode(errors='replace')}"
            )
    if connection is not None:
        connection.close()


def main() -> None:
    json.dump(run(json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
