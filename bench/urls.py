"""Bench mode's URLs: Supportal's own, plus the floor (a bare view; see middleware.floor)."""

from __future__ import annotations

from django.urls import path

from bench.middleware import floor
from supportal.urls import urlpatterns as supportal_urlpatterns

urlpatterns = [path("_bench/floor/<int:size>", floor, name="bench_floor"), *supportal_urlpatterns]
