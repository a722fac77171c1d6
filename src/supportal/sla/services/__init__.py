"""The only writers of SLA clocks: they follow the case history (follow.py), the sweep marks warnings and
breaches (sweep.py), and a case's clocks can be rebuilt from its history (rebuild.py)."""

from supportal.sla.services.rebuild import sla_rebuild, sla_retarget_organisation
from supportal.sla.services.sweep import SweepResult, sla_sweep

__all__ = ["SweepResult", "sla_rebuild", "sla_retarget_organisation", "sla_sweep"]
