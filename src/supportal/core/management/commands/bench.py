"""`supportal bench seed|run|chat`: the benchmarks of docs/performance.md (the code is in the top-level
`bench` package, installed with Supportal from its source tree).

    supportal bench seed --cases 100000 [--seed 1]
    supportal bench run [--json] [--workers 2] [--threads 4] [--concurrency 8] [--seconds 10]
    supportal bench chat [--json] [--connections 100] [--messages 20] [--interval 10] [--chats-per-agent 4]
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Generate a large data set (seed), measure the server under load (run) or the live chat's sockets "
        "(chat). See docs/performance.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{seed,run,chat}")
        seed = actions.add_parser("seed", help="fill an empty database with N cases and all around them")
        seed.add_argument("--cases", type=int, required=True, help="how many cases (e.g. 10000, 1000000)")
        seed.add_argument("--seed", type=int, default=1, help="random seed: the same seed, the same data")
        seed.add_argument("--chunk", type=int, default=10_000, help="cases per transaction (default 10000)")
        run = actions.add_parser("run", help="start the server and measure every operation under load")
        run.add_argument("--json", action="store_true", help="print the results as JSON")
        run.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
        run.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
        run.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
        run.add_argument("--seconds", type=float, default=10.0, help="measured seconds per operation")
        run.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each")
        run.add_argument("--floor-seconds", type=float, default=3.0, help="seconds for each floor")
        run.add_argument("--only", default="", help="comma-separated operation names (default: all)")
        run.add_argument(
            "--base-url", default="", help="measure a server already running in bench mode there instead"
        )
        self._chat_arguments(actions.add_parser("chat", help="the live chat's sockets under load"))

    def _chat_arguments(self, chat: CommandParser) -> None:
        chat.add_argument("--json", action="store_true", help="print the results as JSON")
        chat.add_argument("--connections", type=int, default=100, help="customers, one socket each (100)")
        chat.add_argument("--messages", type=int, default=20, help="messages each way per chat (20)")
        chat.add_argument("--interval", type=float, default=10.0, help="seconds between one side's messages")
        chat.add_argument("--chats-per-agent", type=int, default=4, help="chats per agent socket (4)")
        chat.add_argument("--grace", type=float, default=120.0, help="seconds to wait for late messages")
        chat.add_argument("--seed", type=int, default=1, help="random seed of the send times")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            import bench  # noqa: F401
        except ImportError:
            raise CommandError(
                "The `bench` package is not installed: run this from a source checkout "
                "(./run supportal bench ...)."
            ) from None
        if options["action"] == "seed":
            self._seed(options)
        elif options["action"] == "chat":
            self._chat(options)
        else:
            self._run(options)

    def _seed(self, options: dict[str, Any]) -> None:
        from bench.seed import SeedRefused, prepare_database, seed

        self.stdout.write("Preparing the database (migrate) ...")
        prepare_database()
        try:
            summary = seed(
                cases=options["cases"], seed=options["seed"], chunk=options["chunk"], say=self.stdout.write
            )
        except SeedRefused as error:
            raise CommandError(str(error)) from None
        rows = ", ".join(f"{count:,} {name}" for name, count in summary.rows.items())
        self.stdout.write(f"Written: {rows}.")
        self.stdout.write(
            f"Seeded {summary.cases:,} cases in {summary.seconds['total']:.1f} s "
            f"(people {summary.seconds['people']:.1f} s, cases {summary.seconds['cases']:.1f} s, "
            f"statistics {summary.seconds['analyze']:.1f} s)."
        )
        self.stdout.write(
            f"Sign in (password {summary.password!r}): customer {summary.customer}, agent {summary.agent}; "
            f"the 50-event case is {summary.detail_case}."
        )

    def _run(self, options: dict[str, Any]) -> None:
        from bench.report import table
        from bench.run import BenchError, RunOptions, run

        try:
            result = run(
                RunOptions(
                    workers=options["workers"],
                    threads=options["threads"],
                    concurrency=options["concurrency"],
                    seconds=options["seconds"],
                    warmup=options["warmup"],
                    floor_seconds=options["floor_seconds"],
                    only=[name for name in options["only"].split(",") if name],
                    base_url=options["base_url"],
                ),
                say=self.stderr.write,
            )
        except BenchError as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted: the server and load generators it started are stopped."
            ) from None
        self.stdout.write(json.dumps(result, indent=2) if options["json"] else table(result))

    def _chat(self, options: dict[str, Any]) -> None:
        from bench.chat_load import ChatBenchError, ChatOptions, run
        from bench.chat_report import table

        try:
            result = run(
                ChatOptions(
                    connections=options["connections"],
                    messages=options["messages"],
                    interval=options["interval"],
                    chats_per_agent=options["chats_per_agent"],
                    grace=options["grace"],
                    seed=options["seed"],
                ),
                say=self.stderr.write,
            )
        except ChatBenchError as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError("Interrupted: the server it started is stopped.") from None
        self.stdout.write(json.dumps(result, indent=2) if options["json"] else table(result))
