"""The workspace's SLA pages: /agent/sla/ (clocks breaching soon) and /agent/reports/sla/ (attainment per
organisation, priority or team over a period, as a table, an SVG chart and CSV). Agents only; the reads
are `sla.reports`'."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from supportal.agent.guards import agent_required
from supportal.agent.queue_links import case_url
from supportal.sla import reports
from supportal.sla.reports import GROUPING_LABELS, HORIZONS, Grouping, Period, ReportRow

DEFAULT_DAYS = 30
MAX_DAYS = 366
BAR_WIDTH = 360  # the chart's 100%
BAR_STEP = 22


@agent_required
@require_GET
def breaching_soon_page(request: HttpRequest) -> HttpResponse:
    try:
        hours = int(request.GET.get("hours", "4"))
    except ValueError:
        hours = 4
    hours = hours if hours in HORIZONS else 4
    rows = reports.breaching_soon(request.user, now=timezone.now(), hours=hours)
    context = {
        "rows": [(row, case_url(row.case.number)) for row in rows],
        "hours": hours,
        "horizons": HORIZONS,
    }
    return render(request, "agent/sla/soon.html", context)


class ReportForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    grouping = forms.ChoiceField(
        label="Group by", required=False, choices=[(g.value, label) for g, label in GROUPING_LABELS.items()]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The period ends before it starts.")
        if start and end and (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(f"A period is at most {MAX_DAYS} days.")
        return data


@dataclass(frozen=True)
class Bar:
    y: int
    width: int
    label: str  # "Acme · First response"
    value: str  # "87.5%"
    tone: str  # an SVG fill


def chart_of(rows: list[ReportRow]) -> list[Bar]:
    """One horizontal bar per row with a decided clock: its attainment as a share of BAR_WIDTH."""
    bars: list[Bar] = []
    for row in rows:
        if row.attainment is None:
            continue
        share = row.attainment
        tone = "#198754" if share >= 95 else "#ffc107" if share >= 80 else "#dc3545"
        y = len(bars) * BAR_STEP
        bars.append(
            Bar(y, round(BAR_WIDTH * share / 100), f"{row.group} · {row.metric}", row.attainment_text, tone)
        )
    return bars


@agent_required
@require_GET
def sla_report(request: HttpRequest) -> HttpResponse:
    """The period is whole days in the agent's time zone (the current one); last 30 days by default."""
    zone = timezone.get_current_timezone()
    form = ReportForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    last = data.get("end") or timezone.localdate()
    first = data.get("start") or last - timedelta(days=DEFAULT_DAYS - 1)
    period = Period(first, max(first, last), zone)
    grouping = Grouping(data.get("grouping") or Grouping.ORGANISATION)
    rows = reports.attainment(request.user, period, grouping)
    if request.GET.get("format") == "csv":
        return _csv(rows, period, grouping)
    bars = chart_of(rows)
    query = request.GET.copy()
    query["format"] = "csv"
    context = {
        "form": form,
        "period": period,
        "grouping": GROUPING_LABELS[grouping],
        "rows": rows,
        "bars": bars,
        "chart_height": max(len(bars), 1) * BAR_STEP,
        "bar_width": BAR_WIDTH,
        "csv_query": query.urlencode(),
        "zone_name": timezone.get_current_timezone_name(),
    }
    return render(request, "agent/sla/report.html", context)


CSV_HEADER = ("group", "metric", "met", "breached", "running", "attainment_percent")


def _csv(rows: list[ReportRow], period: Period, grouping: Grouping) -> HttpResponse:
    name = f"sla-attainment-{grouping.value}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in rows:
        share = "" if row.attainment is None else f"{row.attainment:.1f}"
        writer.writerow((_cell(row.group), row.metric, row.met, row.breached, row.running, share))
    return response


def _cell(text: str) -> str:
    """A name a spreadsheet would run as a formula ("=...") is written as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
