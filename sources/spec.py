"""Declarations of a source kind: canonical columns, the headers offices use for them, checks.

Every adapter in `sources/` is one `SourceSpec`; nothing else in the code base knows which
header an office used. Canonical names are English snake_case; `label` is the contract's
Chinese header, used in messages to clerks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """How a raw value is checked and cast (see `normalise.sql`)."""

    TEXT = "text"  # trimmed text, empty -> NULL
    ID = "id"  # identifier kept as text: leading zeros stay, full-width digits folded
    USCC = "uscc"  # 统一社会信用代码, check digit per GB 32100
    PLATE = "plate"  # vehicle plate, 晋M·A1234 -> 晋MA1234
    DATE = "date"
    TIMESTAMP = "timestamp"  # Beijing wall-clock time, stored naive (China has no DST)
    NUMBER = "number"  # thousands separators and full-width digits accepted
    LON = "lon"
    LAT = "lat"
    CRS = "crs"  # WGS84 / GCJ02 / BD09
    BOOL = "bool"  # 是/否, 三相四线 (= 是), 单相 (= 否)


@dataclass(frozen=True)
class Column:
    name: str  # canonical, English
    label: str  # the contract's Chinese header
    kind: Kind = Kind.TEXT
    required: bool = False  # the header must be present in the file
    nonnull: bool = False  # the value must be present in every row
    aliases: tuple[str, ...] = ()
    min_value: float | None = None  # NUMBER: smaller values are data errors
    max_value: float | None = None  # NUMBER: larger values are data errors
    choices: tuple[str, ...] = ()  # TEXT: allowed values after trimming (empty = any)

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.label, self.name, *self.aliases)


@dataclass(frozen=True)
class SourceSpec:
    """One source kind of the contract: its folder, columns, natural key and storage."""

    name: str  # inbox folder and canonical table name
    label: str  # Chinese name for messages
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # natural key: a re-export replaces rows with the same key
    lake_partition: str | None = None  # big facts: Parquet partition expression, else a table
    folder: str = ""  # inbox folder, when several specs share one (power_readings)
    extra_checks: tuple[tuple[str, str, str], ...] = field(default=())
    # (column, SQL predicate over the cast columns that must hold, Chinese reason if not)
    derived: tuple[tuple[str, str, str], ...] = field(default=())
    # (name, DuckDB type, SQL expression over the cast columns): stored beside them

    @property
    def inbox_folder(self) -> str:
        return self.folder or self.name

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def coords(required: bool = False, prefix: str = "", label_prefix: str = "") -> tuple[Column, ...]:
    """经度/纬度/坐标系: converted to WGS-84 on load; the 坐标系 column is dropped then."""
    lon = Column(f"{prefix}lon", f"{label_prefix}经度", Kind.LON, required, required,
                 ("lng", "lon", "longitude", "经度(°)") if not prefix else ())
    lat = Column(f"{prefix}lat", f"{label_prefix}纬度", Kind.LAT, required, required,
                 ("lat", "latitude", "纬度(°)") if not prefix else ())
    if prefix:
        return (lon, lat)
    return (lon, lat, Column("crs", "坐标系", Kind.CRS, aliases=("坐标类型", "坐标系统")))
