"""The email channel: inbound messages through a pipeline of small filters, outbound threading.

See docs/ARCHITECTURE.md ("Email").
"""
