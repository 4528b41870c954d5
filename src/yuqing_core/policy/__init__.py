"""The policy layer: a policy file's schema, loading, checks, lint and the preset catalogue."""

from .data import PolicyData
from .loader import load_spec
from .schema import PolicySpec

__all__ = ["PolicyData", "PolicySpec", "load_spec"]
