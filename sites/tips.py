"""Vague tips join the site they most likely mean, once the detectors have looked.

Tips to the 12345 hotline rarely carry a point or a firm's name: "唐回村附近一家科技公司晚上有刺
鼻气味". The resolver (sites.resolve) joins a tip by its point or by a name its words name;
what is left becomes a tip-only site, a lead of its own that an inspector would visit twice
(once for the tip, once for the site the data points at). An analyst reads such a tip
against the village: which 科技 firm near 唐回村 shows something? `attach_tips` does that
after the detectors ran and were scored (tables `site_scores`, `score_parts`):

- a tip-only site whose tip has no point and names a village (or only a township);
- candidates: sites within `village_reach_m` of the village's median metered point or with
  a member addressed in that village (in the township when no village is named);
- fit: the tip's words against the candidate — 科技/生物/新材料/新能源 want such a name, 民房/
  家里/院子 a household account, 一家厂子/公司 a firm or a business meter (a household only
  `no_business`), 养殖场 a farm's name, 油罐/柴油 a fuel finding or a name with
  油 at a site holding no valid permit (`misfit` otherwise); a place the address names (面包房,
  冷库) must be in the candidate's names; a candidate near the village whose members are
  addressed in another village only fits `other_village`, one with no village in its
  addresses (a park plot, a remote spot) `near_only`: the site addressed in the named
  village comes first;
- strength: the candidate's risk (points) from the first scoring;
- corroborated: the data saw what the tip describes — trucks (大车进出, 罐车卸货) where a truck
  detector found something, machines, smells or night work where the meter did; an 闲置厂房
  tip fits a site the meter saw restart (idle_restart, relit) best;
- night trucks: a tip about trucks at night (半夜有大车进出) also fits a site where no detector
  found anything but a hazmat truck stopped at night for an unloading-scale time (one stop
  is below every truck detector's threshold; a driver's night at home is longer);
- of the candidates with fit ≥ `min_fit` and strength ≥ `min_strength` (or, corroborated,
  ≥ `min_corroborated_strength`), the best-fitting, then corroborated, then strongest one
  joins when its strength is at least `dominance` times that of the next one alike (fit
  first: a loud 科技 firm does not hide the farm a 养殖场 tip describes); a night-trucks site,
  having no strength to compare, joins only as the one such candidate of the best fit. The tip moves into
  that site (`site_members.rule` = `tip_area`, link score `village_link` or `town_link` × fit)
  and its tip-only site goes.

The caller re-runs tip_match so the tip's evidence lands on the joined site. A tip that fits
no site, or two equally, stays a lead of its own.

Known false joins: a tip about an innocent place in a village where another site shows
something; a tip naming the wrong village. The link's rule and score say how it was made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import duckdb

from sites._sql import run
from sources.sqlfile import has_tables

_SQL = "tips.sql"


@dataclass(frozen=True)
class TipParams:
    village_reach_m: float = 2000.0  # "X村附近": this far from the village's median point
    min_strength: float = 35.0  # a candidate's risk (points) to join a tip to it: 中 or above
    # … or this much where the data saw what the tip describes (trucks, a meter running)
    min_corroborated_strength: float = 15.0
    min_fit: float = 0.5  # how well the candidate fits the tip's words (1 = fits)
    dominance: float = 1.5  # the chosen candidate's strength over the runner-up's (same fit)
    misfit: float = 0.25  # fit of a candidate that is not what the tip describes
    unproven: float = 0.6  # an 闲置厂房 tip at a firm the meter did not see restart
    # what a tip says happens there, and the data that would see it
    says_trucks: str = r"(大车|罐车|货车|槽车|卸货|拉货|运货|车辆?进出)"
    says_running: str = r"(机器|轰鸣|响声?|气味|刺鼻|呛|冒烟|黑烟|半夜|夜里|夜间|晚上|凌晨|通宵)"
    # … trucks at night: a site with no finding where a hazmat truck stopped at night for
    # `night_stop_min`–`night_stop_max` minutes in the last `night_stop_days` fits
    says_night: str = r"(半夜|夜里|夜间|晚上|凌晨|深夜|通宵)"
    night_stop_min: float = 20.0  # shorter: a halt
    night_stop_max: float = 240.0  # longer: a truck parked for the night (a driver's home)
    night_stop_days: int = 28
    other_village: float = 0.6  # fit of a candidate near the village but addressed in another
    # a tip about a factory or a firm (一家厂子, 工厂, 公司): a site with no registration or
    # business meter (a household) fits this much
    says_firm: str = r"(厂子|工厂|厂家|企业|公司)"
    no_business: float = 0.6
    business_classes: tuple[str, ...] = ("一般工商业用电", "大工业用电")
    near_only: float = 0.8  # … near it with no village in its address (a park plot, a field)
    village_link: float = 0.7  # link score of a tip joined within its village
    town_link: float = 0.5  # … within its township only
    residential_class: str = "居民生活用电"
    # a kind of place named at the end of the address (面包房, 农资店, 废品站, 冷库, 养猪场)
    place_noun: str = r"(\p{Han}{1,6}(房|店|站|库|场|厂|坊|部|馆|铺|社|所))$"


def attach_tips(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: TipParams = TipParams()) -> int:
    """Move vague tips into the sites they most likely mean (see module doc); return how many."""
    bound = asdict(params) | {"as_of": as_of}
    run(con, _SQL, "tip_targets", bound)
    run(con, _SQL, "villages", bound)
    if has_tables(con, ("truck_place_visits", "truck_stays")):
        run(con, _SQL, "night_trucks", bound)
    else:  # a county without GPS tracks
        con.execute("create or replace temp table _tip_night_trucks (site_id varchar)")
    for name in ("candidates", "chosen"):
        run(con, _SQL, name, bound)
    moved = con.execute("select count(*) from _tip_chosen").fetchone()[0]
    if moved:
        for name in ("move", "drop_sites", "history"):
            run(con, _SQL, name, bound)
    run(con, _SQL, "cleanup")
    return moved
