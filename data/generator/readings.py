"""Power readings from each account's load model: daily with Shanxi time-of-use, and 15-min.

Daily kWh = base load x season x weekday x Spring Festival x life cycle x noise, plus an
optional `extra` component (a new production line, an illegal reactor, a decoy's night
shift) with its own hourly shape, active window and duty cycle. The hourly shapes split each
day into 尖/峰/平/谷 by Shanxi's periods: 谷 00–07 and 11–13 (晋发改商品发〔2021〕479号);
峰 08–11 and 17–23 with 尖 18–20 in Jan/Jul/Aug/Dec, 平 the rest (approximate).
Generation is chunked by accounts so memory stays bounded at any scale.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import numpy as np
import polars as pl

H = np.arange(24)
_night = (H >= 22) | (H < 6)
SHAPES = {
    "res": [.5, .4, .35, .35, .35, .4, .7, 1, .9, .7, .7, .9, 1, .8, .7, .7, .9, 1.3, 1.8, 2, 1.8,
            1.5, 1, .7],
    "shop": np.where((H >= 8) & (H < 21), 1.0, 0.15),
    "office": np.where((H >= 8) & (H < 18), 1.0, 0.1),
    "workshop": np.where(((H >= 8) & (H < 12)) | ((H >= 14) & (H < 18)), 1.0, 0.05),
    "factory_day": np.where((H >= 7) & (H < 19), np.where(H == 12, .6, 1.0), 0.15),
    "factory_24h": np.where((H >= 8) & (H < 20), 1.05, 0.95),
    "flat": np.ones(24),
    "farm": np.where((H >= 6) & (H < 20), 1.0, 0.7),
    "irrigation": np.where((H < 7) | ((H >= 11) & (H < 13)), 1.3, 0.9),
    "cold_store": np.where(_night, 1.2, 0.9),
    "ice": np.where((H >= 22) | (H < 7), 1.6, 0.45),
    "bakery": np.where((H >= 1) & (H < 7), 1.5, np.where(H < 10, 1.0, 0.2)),
    "water": np.where((H < 7) | ((H >= 11) & (H < 13)), 1.3, 0.9),
    "fuel": np.where((H >= 6) & (H < 22), 1.0, 0.3),
    "reactor_night": np.where((H >= 21) | (H < 6), 1.0, 0.08),
    "reactor_24h": np.ones(24),
    "reactor_day": np.where((H >= 8) & (H < 20), 1.0, 0.3),
    "pump_evening": np.where((H >= 18) & (H < 24), 1.0, 0.2),
    "idle": np.full(24, 1.0),
}
PROFILES = list(SHAPES)
SHAPE = np.array([np.asarray(SHAPES[p], float) / np.sum(SHAPES[p]) for p in PROFILES])
VALLEY = (H < 7) | ((H >= 11) & (H < 13))
PEAK = ((H >= 8) & (H < 11)) | ((H >= 17) & (H < 23))
SHARP = (H >= 18) & (H < 20)
FLAT = ~VALLEY & ~PEAK
SHARP_MONTHS = (1, 7, 8, 12)
# (profile, sharp-month?) -> shares of 尖, 峰, 平, 谷
TOU = np.stack([np.stack([SHAPE[:, SHARP] .sum(1) * s, SHAPE[:, PEAK & ~(SHARP & bool(s))].sum(1),
                          SHAPE[:, FLAT].sum(1), SHAPE[:, VALLEY].sum(1)], 1) for s in (0, 1)], 1)
CNY = {2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
       2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26)}
INDUSTRY = {"factory_day", "factory_24h", "workshop", "office", "reactor_day"}


def calendar(day0: date, n_days: int) -> dict[str, np.ndarray]:
    """Per-day factors shared by all accounts."""
    days = [day0 + timedelta(days=i) for i in range(n_days)]
    doy = np.array([d.timetuple().tm_yday for d in days])
    dow = np.array([d.weekday() for d in days])
    month = np.array([d.month for d in days])
    cny = np.array([(d - CNY.get(d.year, date(d.year, 2, 1))).days for d in days])
    cny = np.where(np.abs(cny) > 200, 999, cny)
    md = month * 100 + np.array([d.day for d in days])
    irrig = ((md >= 301) & (md <= 515)) | ((md >= 610) & (md <= 820)) | ((md >= 1101) & (md <= 1210))
    return dict(winter=np.clip(np.cos(2 * np.pi * (doy - 15) / 365), 0, 1) ** 1.5,
                summer=np.clip(np.cos(2 * np.pi * (doy - 200) / 365), 0, 1) ** 3,
                weekend=dow >= 5, sharp=np.isin(month, SHARP_MONTHS), cny=cny, irrig=irrig)


def _season(profile: np.ndarray, cal: dict) -> np.ndarray:
    """(n, d) factor of season, weekday and Spring Festival for each account's base profile."""
    w, s = cal["winter"][None, :], cal["summer"][None, :]
    p = profile[:, None]
    f = np.ones((len(profile), len(w[0])))
    f = np.where(p == "res", 1 + 0.45 * w + 0.35 * s, f)
    f = np.where(np.isin(p, ["shop", "office"]), 1 + 0.25 * w + 0.3 * s, f)
    f = np.where(np.isin(p, ["cold_store"]), 0.8 + 0.6 * s, f)
    f = np.where(p == "ice", 0.25 + 1.4 * s, f)
    f = np.where(p == "farm", 1 + 0.3 * w + 0.2 * s, f)
    wk = cal["weekend"][None, :]
    f = f * np.where(wk & np.isin(p, ["office", "factory_day", "workshop"]), 0.55, 1.0)
    f = f * np.where(wk & (p == "res"), 1.06, 1.0)
    c = cal["cny"][None, :]
    ind = np.isin(p, list(INDUSTRY))
    f = f * np.where(ind & (c >= -8) & (c <= 12), 0.2 + 0.05 * np.clip(c + 8, 0, 20) / 2, 1.0)
    f = f * np.where((p == "res") & (c >= -5) & (c <= 10), 1.3, 1.0)
    f = f * np.where((p == "shop") & (c >= -15) & (c < 0), 1.25, 1.0)
    f = f * np.where((p == "shop") & (c >= 0) & (c <= 6), 0.5, 1.0)
    return f


def _window(n_days: int, start: np.ndarray, end: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    d = np.arange(n_days)[None, :]
    on = (d >= start[:, None]) & (d < end[:, None])
    r = np.where(ramp[:, None] > 0, np.clip((d - start[:, None] + 1) / np.maximum(ramp, 1)[:, None],
                                            0.05, 1), 1.0)
    return on * r


def daily_components(acc: pl.DataFrame, cal: dict, rng: np.random.Generator
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(base, extra) kWh arrays of shape (n_accounts, n_days)."""
    n_days = len(cal["winter"])
    prof = acc["profile"].to_numpy().astype(str)
    base = acc["base_kwh"].to_numpy()[:, None] * _season(prof, cal)
    base *= _window(n_days, acc["start_idx"].to_numpy(), acc["end_idx"].to_numpy(),
                    acc["ramp_days"].to_numpy())
    irr = prof == "irrigation"
    if irr.any():  # a pump runs on some days of an irrigation round, idles otherwise
        runs = (rng.random((irr.sum(), n_days)) < 0.4) & cal["irrig"][None, :]
        base[irr] *= np.where(runs, 1.0, 0.02)
    base *= rng.lognormal(0, 0.15, base.shape)
    extra = np.zeros_like(base)
    ek = acc["extra_kwh"].to_numpy()
    has = ek > 0
    if has.any():
        sub = acc.filter(pl.Series(has))
        e = sub["extra_kwh"].to_numpy()[:, None] * _window(
            n_days, sub["extra_start"].to_numpy(), sub["extra_end"].to_numpy(),
            sub["extra_ramp"].to_numpy()) + _window(
            n_days, sub["extra_start2"].to_numpy(), sub["extra_end2"].to_numpy(),
            sub["extra_ramp"].to_numpy())
        e *= rng.random(e.shape) < sub["extra_duty"].to_numpy()[:, None]
        extra[has] = e * rng.lognormal(0, 0.12, e.shape)
    return base, extra


def daily_frame(acc: pl.DataFrame, day0: date, base: np.ndarray, extra: np.ndarray,
                cal: dict, rng: np.random.Generator) -> pl.DataFrame:
    """Long daily readings with TOU split; drops collection gaps; null TOU for 居民."""
    n, d = base.shape
    pidx = np.array([PROFILES.index(p) for p in acc["profile"]])
    eidx = np.array([PROFILES.index(p) if p else 0 for p in acc["extra_profile"]])
    sharp = cal["sharp"].astype(int)[None, :]
    tou = base[..., None] * TOU[pidx[:, None], sharp] + extra[..., None] * TOU[eidx[:, None], sharp]
    total = base + extra
    alive = _window(d, acc["start_idx"].to_numpy(), acc["end_idx"].to_numpy(), np.zeros(n)) > 0
    keep = (rng.random((n, d)) > 0.004) & alive  # no readings before 立户 or after 销户
    gap_acc = np.flatnonzero(rng.random(n) < 0.02)
    for i in gap_acc:  # meter-collection outages of a few days
        s = int(rng.integers(0, d - 10))
        keep[i, s:s + int(rng.integers(2, 10))] = False
    ii, dd = np.nonzero(keep)
    res = (acc["tariff_class"].to_numpy() == "居民生活用电")[ii]
    r2 = lambda a: np.round(a, 2)  # noqa: E731
    t = tou[ii, dd]
    return pl.DataFrame({
        "户号": acc["account_no"].to_numpy()[ii],
        "日期": pl.Series(np.datetime64(day0, "D") + dd.astype("timedelta64[D]")),
        "总电量": r2(total[ii, dd]),
        "峰电量": np.where(res, np.nan, r2(t[:, 1])), "平电量": np.where(res, np.nan, r2(t[:, 2])),
        "谷电量": np.where(res, np.nan, r2(t[:, 3])), "尖电量": np.where(res, np.nan, r2(t[:, 0])),
    }).with_columns(pl.col("峰电量", "平电量", "谷电量", "尖电量").fill_nan(None))


def interval_frame(acc: pl.DataFrame, day0: date, base: np.ndarray, extra: np.ndarray,
                   n_last: int, rng: np.random.Generator) -> pl.DataFrame:
    """96 quarter-hour kWh a day for the last `n_last` days of the given accounts."""
    n, d = base.shape
    b, e = base[:, -n_last:], extra[:, -n_last:]
    pidx = np.array([PROFILES.index(p) for p in acc["profile"]])
    eidx = np.array([PROFILES.index(p) if p else 0 for p in acc["extra_profile"]])
    q_b = np.repeat(SHAPE[pidx], 4, axis=1) / 4  # (n, 96)
    q_e = np.repeat(SHAPE[eidx], 4, axis=1) / 4
    q = b[..., None] * q_b[:, None, :] + e[..., None] * q_e[:, None, :]
    q *= rng.lognormal(0, 0.1, q.shape)
    first = np.datetime64(day0, "m") + np.timedelta64((d - n_last) * 1440, "m")
    ts = first + (np.arange(n_last * 96) * 15).astype("timedelta64[m]")
    alive = _window(d, acc["start_idx"].to_numpy(), acc["end_idx"].to_numpy(), np.zeros(n))
    keep = np.repeat(alive[:, -n_last:] > 0, 96, axis=1).reshape(-1)
    return pl.DataFrame({
        "户号": np.repeat(acc["account_no"].to_numpy(), n_last * 96),
        "数据时间": pl.Series(np.tile(ts.astype("datetime64[us]"), n)),
        "电量": np.round(q.reshape(-1), 3),
    }).filter(pl.Series(keep))


def chunks(acc: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    for s in range(0, acc.height, size):
        yield acc.slice(s, size)
