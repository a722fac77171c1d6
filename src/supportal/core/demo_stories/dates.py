"""Dates and levels the stories share: story dates are relative to the day the demo loads."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from supportal.cases.models import Level

H, M, L = Level.HIGH, Level.MEDIUM, Level.LOW


def day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def next_weekday(weekday: int) -> str:
    """The date of the next such weekday (Monday is 0), at least a day away."""
    today = timezone.localdate()
    return (today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)).isoformat()
