"""`supportal worker`: the Huey consumer that runs background jobs and, unless told not to, the schedule.

Embedded (SQLite file in the data dir) when REDIS_URL is unset, Redis otherwise; see
docs/adr/0001-job-engine-huey.md. Start any number of workers with `--no-periodic` and exactly one
without it. SIGINT stops gracefully (running jobs finish, up to --shutdown-timeout); SIGTERM interrupts
running jobs (they are idempotent and run again).
"""

from __future__ import annotations

import logging
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.module_loading import autodiscover_modules
from huey.consumer_options import ConsumerConfig


class Command(BaseCommand):
    help = "Run background jobs (and the periodic schedule) until stopped with Ctrl-C or SIGTERM."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not run the periodic schedule (start exactly one worker without this flag).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker threads in this process (default: SUPPORTAL_WORKER_THREADS, 2).",
        )
        parser.add_argument(
            "--shutdown-timeout",
            type=float,
            default=30.0,
            help="Seconds running jobs get to finish on Ctrl-C before they are interrupted (default 30).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        consumer_options: dict[str, Any] = dict(settings.HUEY.get("consumer", {}))
        if options["workers"] is not None:
            if options["workers"] < 1:
                self.stderr.write("--workers must be at least 1.")
                raise SystemExit(2)
            consumer_options["workers"] = options["workers"]
        consumer_options["periodic"] = not options["no_periodic"]
        consumer_options["shutdown_timeout"] = options["shutdown_timeout"]
        consumer_options.setdefault("max_delay", 2.0)  # poll the embedded queue at least every 2 s
        autodiscover_modules("tasks")  # every app's tasks.py; the schedule is imported by jobs.apps

        config = ConsumerConfig(**consumer_options)
        config.validate()
        logger = logging.getLogger("huey")
        if not logger.handlers:
            config.setup_logger(logger)
        connections.close_all()  # worker threads open their own connections
        storage = "Redis" if settings.REDIS_URL else f"SQLite ({settings.HUEY.get('filename')})"
        self.stdout.write(
            f"Supportal worker: {config.workers} thread(s), queue on {storage}, "
            f"periodic jobs {'on' if config.periodic else 'off'}."
        )
        self.stdout.flush()
        HUEY.create_consumer(**config.values).run()
