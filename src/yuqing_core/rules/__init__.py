"""Rules applied to incidents and cases: assessment (研判), monitoring duties (监测值守)."""

from .assessment import Assessment, RuleHit, assess
from .monitoring import DutyInstant, monitoring_duties

__all__ = ["Assessment", "DutyInstant", "RuleHit", "assess", "monitoring_duties"]
