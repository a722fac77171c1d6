"""`supportal bench seed` and `supportal bench run` end to end, as CI's small bench: real child processes,
the real server (gunicorn) and load generators, a few hundred cases, about a second per operation.
No timing is asserted: only that every operation is measured and every figure is there."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from bench.report import table
from django.db import connection

from tests.core.subprocesses import SUPPORTAL, supportal_env

MEASURED = (
    "my_cases", "organisation_cases", "search", "case_detail", "agent_case", "agent_queue",
    "api_case_create", "api_comment", "email_ingest", "alert_new", "alert_repeat", "sla_tick",
)  # fmt: skip
NOT_BUILT: dict[str, str] = {}
TIMEOUT = 600


def database_url(tmp_path: Path) -> str:
    """PostgreSQL: the test database itself (emptied after the test); SQLite: a file of its own, since
    the test database lives in memory where no server can reach it."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'])}{password}@{host}/{db['NAME']}"


def supportal(args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [str(SUPPORTAL), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, f"supportal {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_seed_then_run_measures_every_operation(tmp_path: Path) -> None:
    env = supportal_env(tmp_path / "data", DATABASE_URL=database_url(tmp_path))
    seeded = supportal(["bench", "seed", "--cases", "600", "--chunk", "250"], env, tmp_path)
    assert "Seeded 600 cases" in seeded and "the 50-event case is" in seeded

    out = supportal(
        ["bench", "run", "--json", "--seconds", "1", "--warmup", "0.3", "--floor-seconds", "0.5",
         "--concurrency", "2", "--workers", "1", "--threads", "2"],
        env, tmp_path,
    )  # fmt: skip
    result = json.loads(out)

    assert result["context"]["database"] == connection.vendor
    assert result["context"]["cases"] >= 600
    operations = {op["name"]: op for op in result["operations"]}
    assert set(operations) == set(MEASURED) | set(NOT_BUILT)
    for name in MEASURED:
        op = operations[name]
        assert op["status"] == "measured", op
        assert op["requests"] > 0 and op["errors"] == 0, op
        for figure in ("rps", "p50_ms", "p95_ms", "p99_ms", "response_bytes", "share_of_floor"):
            assert isinstance(op[figure], int | float) and op[figure] > 0, (name, figure, op)
        assert op["p50_ms"] <= op["p95_ms"] <= op["p99_ms"]
        queries = op["queries_per_request"]
        assert queries is not None and 1 <= queries["min"] <= queries["max"], op
        floor = op["floor"]
        assert floor["rps"] > 0 and floor["errors"] == 0
        assert floor["queries_per_request"] == {"min": 0, "median": 0, "max": 0}
    for name, issue in NOT_BUILT.items():
        assert operations[name]["status"] == f"not built yet ({issue})"
        assert "p95_ms" not in operations[name]  # never a made-up figure
    memory = result["memory"]
    assert memory["peak_rss_mb"] > 0 and memory["start_rss_mb"] > 0 and memory["requests"] > 0

    text = table(result)
    for op in result["operations"]:
        assert op["label"] in text
    assert "peak RSS" in text
