"""Detectors: one module per signal, each `detect(con, as_of, params) -> EVIDENCE` (see base.py).

`DETECTORS` lists them; the screening flow runs each as a task.
"""

from types import ModuleType

from detectors import (
    chemical_unlicensed,
    continuous_load,
    idle_restart,
    night_load,
    peer_outlier,
    power_surge,
    wrong_class,
)

DETECTORS: tuple[ModuleType, ...] = (
    power_surge,
    idle_restart,
    night_load,
    continuous_load,
    wrong_class,
    peer_outlier,
    chemical_unlicensed,
)

__all__ = ["DETECTORS"]
