"""Detectors: one module per signal, each keeping the contract of `detectors.base`.

`DETECTORS` lists the modules the screening flow runs, in order.
"""

from detectors import (
    beyond_permit,
    chemical_unlicensed,
    consignee_unlicensed,
    continuous_load,
    disguised_name,
    factory_in_factory,
    fuel_yard,
    idle_restart,
    night_load,
    peer_outlier,
    power_surge,
    power_yoy,
    relit,
    shipper_unlicensed,
    tip_match,
    trade_night,
    truck_unlicensed_stop,
    waybill_mismatch,
    wrong_class,
)

DETECTORS = (
    power_surge,
    power_yoy,
    idle_restart,
    night_load,
    continuous_load,
    wrong_class,
    peer_outlier,
    trade_night,
    chemical_unlicensed,
    disguised_name,
    beyond_permit,
    factory_in_factory,
    tip_match,
    relit,
    truck_unlicensed_stop,
    waybill_mismatch,
    consignee_unlicensed,
    shipper_unlicensed,
    fuel_yard,
)

__all__ = ["DETECTORS"]
