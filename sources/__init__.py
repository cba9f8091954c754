"""Source adapters: one `SourceSpec` per source kind of the data contract (§1–2).

`SPECS` lists them in load order; `specs_for_folder` gives the specs that may match a file
dropped in one inbox folder (power_readings holds two forms, told apart by their headers).
"""

from sources import (
    closed_sites,
    outcomes,
    permits,
    power_accounts,
    power_readings,
    registry,
    tips,
    vehicle_tracks,
    waybills,
)
from sources.spec import Column, Kind, SourceSpec

SPECS: tuple[SourceSpec, ...] = (
    registry.SPEC,
    permits.SPEC,
    power_accounts.SPEC,
    power_readings.DAILY,
    power_readings.INTERVAL,
    vehicle_tracks.SPEC,
    waybills.SPEC,
    tips.SPEC,
    outcomes.SPEC,
    closed_sites.SPEC,
)

FOLDERS: tuple[str, ...] = tuple(dict.fromkeys(s.inbox_folder for s in SPECS))


def specs_for_folder(folder: str) -> tuple[SourceSpec, ...]:
    return tuple(s for s in SPECS if s.inbox_folder == folder)


def spec(name: str) -> SourceSpec:
    for s in SPECS:
        if s.name == name:
            return s
    raise KeyError(name)


__all__ = ["SPECS", "FOLDERS", "Column", "Kind", "SourceSpec", "spec", "specs_for_folder"]
