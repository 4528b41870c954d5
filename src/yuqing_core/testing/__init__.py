"""Testing kit for institutions (the ``testing`` extra): a controllable clock, ``hypothesis``
strategies, and :func:`assert_policy_sound`."""

from .clock import Clock

__all__ = ["Clock"]
