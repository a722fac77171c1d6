"""SLA: business calendars, clocks and default targets. This package's core is pure (no Django).

See docs/sla.md for the rules. The models, the scheduled sweep and the case pages build on:
- `calendar`: `BusinessCalendar`, `ALWAYS_OPEN`, `add_business_time`, `business_time_between`,
  `is_open`, `next_open`;
- `clock`: `Clock`, `Target`, `Pause`, `Retarget`, `ClockState`, `ClockStatus`;
- `targets`: `Metric`, `TargetLength`, `DEFAULT_TARGETS`.
"""
