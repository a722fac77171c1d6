"""Supportal's benchmarks: the large-dataset generator (`supportal bench seed`) and the load test
(`supportal bench run`). See docs/performance.md.

Layout: `seed*.py`, `shape.py`, `words.py`, `rows.py` build the data set; `settings.py`, `urls.py` and
`middleware.py` are the server's bench mode; `server.py`, `loadgen.py`, `operations.py`, `run.py` and
`report.py` measure it. Nothing in `src/` imports this package except the `bench` command.
"""
