"""Entity resolution: registrations, permits, power accounts, truck places, tips and ledger
entries that are one physical place become one site, with a stable id.

Links (each kept with its rule and score in `site_members`, so an analyst sees why):
- `uscc` — the same 统一社会信用代码; `account_no` — a ledger entry naming the 户号;
- `name` — the same firm name once region prefixes, legal forms and brackets are stripped, in
  the same township; names shared by many records link nothing;
- `address` — the same specific address (with a house number): a person-named account at a
  firm's address stays its own member of the firm's site, which is how 厂中厂 shows up;
- `colocated` — metres apart, one side a firm, the same address or one extending the other
  (文德村村北 / 文德村村北后院);
- `yard` — an address that says it is inside a yard (新晋村村西院内) and the nearest firm at
  the yard's address (新晋村村西) within `yard_m`: a yard is wider than `colocated_m`;
- `holder_name` — a sole trader's registration and the account in the owner's name, in one
  village;
- `near_*` — a truck place, tip or ledger point within reach of a record with an identity
  (firms and business accounts before households, which count `household_penalty_m` farther:
  a truck place on a house's own meter point is that house, not a registration geocoded 40 m off).
Components of the link graph are sites. The site id derives from the anchor member (a
registration before a permit, an account, a ledger entry, a truck place, a tip: 'S' and 16
hex digits of its hash), so the same place keeps its id week after week while its anchor
stays (a lead's number follows its members when the id changes); `site_history` keeps each run's
membership so merges and splits stay traceable.

A name or address never links records whose points lie more than `veto_m` apart, nor two
records carrying different 统一社会信用代码 (two legal entities; a second firm in a host's yard
still joins through `colocated`, by its meter's position).

Known limits: firms without a shared code, name or numbered address and without coordinates
stay apart; two firms at one numbered address merge (that is a 厂中厂 candidate, on purpose).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import duckdb
import numpy as np
import pyarrow as pa
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from sites._sql import run
from sources.sqlfile import has_tables

_SQL = "resolve.sql"


@dataclass(frozen=True)
class ResolveParams:
    reach_m: float = 150.0  # a point-only record joins the nearest identity within this
    household_penalty_m: float = 30.0  # … where a household counts this much farther than a firm
    colocated_m: float = 30.0  # same unnumbered address and this close to a firm: one site
    yard_m: float = 150.0  # an address inside a firm's yard (…院内) joins the firm this close
    yard_suffix: str = r"(院内|院中|厂内|厂区内|后院|车间内)$"
    veto_m: float = 500.0  # records whose points lie further apart are never one site by name/address
    max_group: int = 6  # a name or address shared by more records than this links nothing
    tip_min_similarity: float = 75.0  # rapidfuzz partial ratio of a tip's words to a name


def resolve_sites(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                  params: ResolveParams = ResolveParams()) -> int:
    """Create or replace `sites` and `site_members`; append to `site_history`. Returns #sites."""
    bound = asdict(params)
    _ensure_truck_places(con)
    run(con, _SQL, "records")
    run(con, _SQL, "apart")
    run(con, _SQL, "edges", bound)
    _place_consignees(con)
    run(con, _SQL, "near", bound)
    _tip_links(con, params)
    con.execute("create or replace temp table _all_links as "
                "select a, b, rule, score from _links union all select a, b, rule, score from _near "
                "union all select a, b, rule, score from _tip_links")
    _components(con)
    run(con, _SQL, "sites")
    check_unique_ids(con)
    run(con, _SQL, "nearest_town")
    run(con, _SQL, "members")
    run(con, _SQL, "cleanup")
    con.execute("""create table if not exists site_history (
        as_of date, site_id varchar, member_kind varchar, member_key varchar)""")
    con.execute("delete from site_history where as_of = $d", {"d": as_of})
    con.execute("insert into site_history select $d, site_id, member_kind, member_key "
                "from site_members", {"d": as_of})
    return con.execute("select count(*) from sites").fetchone()[0]


def check_unique_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Two places under one site id would pool their evidence into one lead: stop instead."""
    dup = con.execute("select site_id, count(*) from sites group by site_id having count(*) > 1 "
                      "order by site_id limit 5").fetchall()
    if dup:
        raise RuntimeError("场所编号重复（不同场所得到同一编号，请报告开发人员）："
                           + "、".join(f"{s}（{n} 处）" for s, n in dup))


def _tip_links(con: duckdb.DuckDBPyConnection, params: ResolveParams) -> None:
    """A worded tip joins the one record in its village whose name its words name best.

    A person-named account counts when the tip names that person; a firm when the tip's words
    (废品站, 养殖场, ...) sit in its name. Two equally good candidates link neither.
    """
    run(con, _SQL, "tip_candidates")
    cand = con.execute("select a, b, what, name, is_person from _tip_cand").to_arrow_table()
    scores = process.cpdist(cand["what"].to_pylist(), cand["name"].to_pylist(),
                            scorer=fuzz.partial_ratio, workers=1) if cand.num_rows else []
    con.register("_tip_scored", cand.append_column("sim", pa.array(np.asarray(scores, dtype=float))))
    con.execute("""create or replace temp table _tip_links as
        select least(a, b) as a, greatest(a, b) as b, 'tip_words' as rule,
               round(sim / 100 * 0.7, 3) as score
        from (select *, count(*) over (partition by a, sim) as ties from _tip_scored
              where sim >= $min_sim
              qualify rank() over (partition by a order by sim desc) = 1)
        where ties = 1""", {"min_sim": params.tip_min_similarity})
    con.unregister("_tip_scored")


def _components(con: duckdb.DuckDBPyConnection) -> None:
    """Connected components of the link graph (scipy, vectorised over the edge arrays)."""
    n = con.execute("select count(*) from _records").fetchone()[0]
    edges = con.execute("select a, b from _all_links").fetchnumpy()
    a, b = edges["a"].astype(np.int64), edges["b"].astype(np.int64)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    comps = pa.table({"node": np.arange(n, dtype=np.int64), "comp": labels.astype(np.int64)})
    con.register("_components_arrow", comps)
    con.execute("create or replace temp table _components as select * from _components_arrow")
    con.unregister("_components_arrow")


def _place_consignees(con: duckdb.DuckDBPyConnection) -> None:
    """`_place_consignees(place_id, consignee)`: empty without stays or waybills."""
    if has_tables(con, ("truck_place_visits", "truck_stays", "waybills")):
        run(con, _SQL, "place_consignees")
    else:
        con.execute("create or replace temp table _place_consignees "
                    "(place_id varchar, consignee varchar)")


def _ensure_truck_places(con: duckdb.DuckDBPyConnection) -> None:
    """Without GPS data there are no truck places; resolution still runs on the rest."""
    exists = con.execute("select count(*) from duckdb_tables() where table_name = 'truck_places'"
                         ).fetchone()[0]
    if not exists:
        con.execute("create temp table truck_places (place_id varchar, lon double, lat double)")
