"""Supportal's benchmarks: the large-dataset generator (`supportal bench seed`), the load test
(`supportal bench run`) and the chat's socket load test (`supportal bench chat`). See docs/performance.md.

Layout: `seed*.py`, `shape.py`, `words.py`, `rows.py` build the data set; `settings.py`, `urls.py` and
`middleware.py` are the server's bench mode; `server.py`, `loadgen.py`, `operations.py`, `run.py` and
`report.py` measure it; `chat_load.py` with `chat_seed.py`, `chat_server.py`, `chat_clients.py` and
`chat_report.py` measure the chat's sockets. Nothing in `src/` imports this package except the `bench`
command.
"""
