"""Policy files: schema, loading with exact errors, structural checks."""

from .loader import load_policy, load_spec
from .policy import Policy
from .schema import PolicySpec

__all__ = ["Policy", "PolicySpec", "load_policy", "load_spec"]
