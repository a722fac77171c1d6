"""The server under test: `supportal serve` (gunicorn, gthread workers) in bench mode, on a free
loopback port, in its own process group; and the memory of its workers, read from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from threading import Thread
from types import TracebackType
from typing import Self

import bench

READY_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0


class ServerError(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_env() -> dict[str, str]:
    """The environment of processes that import `bench`: where it lives is on their path."""
    env = dict(os.environ)
    root = str(Path(bench.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Server:
    """`with Server(workers=2, threads=4) as server:` serves at `server.base_url` until the block ends."""

    workers: int
    threads: int
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: deque[str] = field(default_factory=lambda: deque(maxlen=40))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        env = bench_env()
        env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        command = [
            sys.executable, "-m", "supportal.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
            *self.serve_arguments(),
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, process_group=0
        )
        Thread(target=self._read_log, daemon=True).start()
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def serve_arguments(self) -> list[str]:
        return ["--server", "wsgi", "--workers", str(self.workers), "--threads", str(self.threads)]

    def workers_started(self) -> bool:
        return len(self.worker_pids()) >= self.workers

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _read_log(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line.decode(errors="replace").rstrip())

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise ServerError("The server stopped while starting:\n" + "\n".join(self.log))
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200 and self.workers_started():
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise ServerError(f"The server did not answer /healthz within {READY_TIMEOUT:.0f} s.")

    def stop(self) -> None:
        """Stop the server and its workers (SIGTERM to the group, then SIGKILL): always safe to call."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)
        except ProcessLookupError:
            pass

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process is not None else []


def children_of(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
            if int(stat.rpartition(")")[2].split()[1]) == parent:
                pids.append(int(entry.name))
    return sorted(pids)


def memory_of(pid: int) -> dict[str, float]:
    """{"rss_mb", "peak_rss_mb"}: the process's resident set now and at its highest (VmHWM)."""
    values: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values["rss_mb" if name == "VmRSS" else "peak_rss_mb"] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return values
