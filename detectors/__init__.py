"""Detectors: one module per signal, each keeping the contract of `detectors.base`.

`DETECTORS` lists the modules the screening flow runs, in order.
"""

from detectors import (
    continuous_load,
    fuel_yard,
    idle_restart,
    night_load,
    peer_outlier,
    power_surge,
    truck_unlicensed_stop,
    waybill_mismatch,
    wrong_class,
)

DETECTORS = (
    power_surge,
    idle_restart,
    night_load,
    continuous_load,
    wrong_class,
    peer_outlier,
    truck_unlicensed_stop,
    waybill_mismatch,
    fuel_yard,
)

__all__ = ["DETECTORS"]
