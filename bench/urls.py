"""Bench mode's URLs: Supportal's own, plus the floor (a bare view; see middleware.floor), the email
entry point (ingest.py) and the SLA sweep's tick (sla.py)."""

from __future__ import annotations

from django.urls import path

from bench.ingest import ingest
from bench.middleware import floor
from bench.sla import tick
from supportal.urls import urlpatterns as supportal_urlpatterns

urlpatterns = [
    path("_bench/floor/<int:size>", floor, name="bench_floor"),
    path("_bench/email", ingest, name="bench_email"),
    path("_bench/sla_tick", tick, name="bench_sla_tick"),
    *supportal_urlpatterns,
]
