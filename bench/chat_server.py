"""The server under chat load: `supportal serve --server asgi` (uvicorn, one process: the channel layer is
in memory unless REDIS_URL is set) in bench mode, on a free loopback port, in its own process group."""

from __future__ import annotations

from dataclasses import dataclass

from bench.server import Server, memory_of


@dataclass
class AsgiServer(Server):
    """`with AsgiServer() as server:` serves HTTP and /ws/chat/ at `server.base_url` until the block ends."""

    workers: int = 1
    threads: int = 0  # uvicorn gives each request a thread of its own

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat/"

    def serve_arguments(self) -> list[str]:
        return ["--server", "asgi"]

    def workers_started(self) -> bool:
        return True  # uvicorn serves in the process it was started as

    def memory(self) -> dict[str, float]:
        """{"rss_mb", "peak_rss_mb"} of the uvicorn process."""
        return memory_of(self.process.pid) if self.process is not None else {}
