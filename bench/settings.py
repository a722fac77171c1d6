"""Bench mode: Supportal's own settings plus what `supportal bench run` measures with.

The server under test runs with `DJANGO_SETTINGS_MODULE=bench.settings`: the same application, with
- `X-Bench-Queries` on every response, the number of SQL queries the request ran (middleware.py), and
- the floor, `/_bench/floor/<bytes>`: a bare view answering that many bytes (urls.py),
- the API's per-token rate limit lifted (SUPPORTAL_API_RATE_LIMIT still wins when set), since the load
  generator sends every request with one token.
Nothing else differs; production never loads this module.
"""

from __future__ import annotations

import os

from supportal.settings import *  # noqa: F403
from supportal.settings import MIDDLEWARE

# Outermost, so that the queries of every other middleware (sessions, authentication) count too.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
API_RATE_LIMIT = os.environ.get("SUPPORTAL_API_RATE_LIMIT") or "1000000/m"
