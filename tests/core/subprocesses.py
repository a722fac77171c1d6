"""Running the real `supportal` command in a child process, with its own data dir, for end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

SUPPORTAL = Path(sys.executable).parent / "supportal"
# What the test process sets for itself, which a real `supportal` must not inherit.
_NOT_INHERITED = (
    "DJANGO_SETTINGS_MODULE",
    "SUPPORTAL_JOBS_IMMEDIATE",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
)


def supportal_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(SUPPORTAL_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", **overrides)
    return env


class Output:
    """Collects a child's merged stdout/stderr on a thread, so the pipe never fills, and waits for a line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: any(text in line for line in self.lines), timeout=timeout)

    @property
    def text(self) -> str:
        with self._changed:
            return "\n".join(self.lines)


def start(args: list[str], env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[str], Output]:
    process = subprocess.Popen(
        [str(SUPPORTAL), *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    return process, Output(process)


def stop(process: subprocess.Popen[str], timeout: float = 30) -> int:
    """Kill what is left of a child (used in finally blocks); returns its exit status."""
    if process.poll() is None:
        process.kill()
    return process.wait(timeout=timeout)


def pid_alive(pid: int) -> bool:
    """True while a process with this id runs (a zombie no longer counts)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in status
