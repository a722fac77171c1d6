"""The `supportal` command: every Django management command, plus demo, serve, worker, token, audit."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportal.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "supportal"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")  # `supportal ingest-email` runs the ingest_email command
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
