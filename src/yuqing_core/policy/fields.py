"""The building blocks every section of the policy file format shares: the frozen base model
and the constrained string types for ids, rule references and names."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

__all__ = ["Label", "MetricName", "Name", "RuleRef", "Slug", "SpecModel"]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
RuleRef = Annotated[str, StringConstraints(min_length=1, max_length=40)]
"""A rule id of the rule catalogue docs/rules.md (``R3.1``, ``P4``) or the institution's own
article number."""
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
"""An institution's own name for a role or an obligation (学校办公室, 特报)."""
MetricName = Literal["views", "comments", "reposts", "outlets"]


class SpecModel(BaseModel):
    """The base of every policy-file section: frozen, unknown keys forbidden."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, use_attribute_docstrings=True
    )
