"""SLA: business calendars, clocks and default targets, and the clocks of every case. See docs/sla.md.

The pure core (no Django, no database), which every other part counts time with:
- `calendar`: `BusinessCalendar`, `ALWAYS_OPEN`, `add_business_time`, `business_time_between`,
  `is_open`, `next_open`;
- `clock`: `Clock`, `Target`, `Pause`, `Retarget`, `ClockState`, `ClockStatus`;
- `targets`: `Metric`, `TargetLength`, `DEFAULT_TARGETS`.

Built on it: `models` (calendars, policies and their targets, a clock row per case and metric),
`targeting` (which targets a case gets), `records` (rows to pure clocks), `services/` (the only writers:
clocks follow the case history, the sweep, rebuilds), `notify` (who hears of warnings and breaches),
`display` and `templatetags/sla` (clocks on pages and in the API), `admin`, `demo`.
"""
