-- Entity resolution: records of every source that are one physical place become one site.
-- Statements run in order by sites/resolve.py; every link keeps its rule and score.

-- name: records
-- One row per record that can be a member of a site, with what linking needs. Names are
-- normalised for Chinese firms: region prefixes, legal forms and brackets go.
create or replace temp table _records as
with
registry as (
    select 'registry' as kind, uscc as key, name, address, uscc, cast(null as varchar) as account_no,
           lon, lat, township, false as is_person, cast(null as varchar) as tariff_class
    from registry
),

permits as (
    select 'permit', permit_no, holder_name, address, uscc, null, lon, lat, null, false, null
    from permits
),

accounts as (
    select 'power_account', account_no, account_name, address, uscc, account_no, lon, lat,
           township,
           -- a person (after the village, when the name gives it): sources/normalise.sql
           xhg_person_name(account_name),
           tariff_class
    from power_accounts
),

tips as (
    select 'tip', tip_no, target, address, null, null, lon, lat, null, false, null
    from tips
),

closed as (
    select 'closed_site', name || '|' || address, name, address, uscc, account_no, lon, lat,
           township, false, null
    from closed_sites
),

places as (
    select 'truck_place', place_id, null, null, null, null, lon, lat, null, false, null
    from truck_places
),

unioned as (
    select * from registry union all select * from permits union all select * from accounts
    union all select * from tips union all select * from closed union all select * from places
),

normalised as (
    select *,
        -- 山西省运城市夏县 / 夏县 / (分公司) / 有限责任公司 ... stripped
        nullif(regexp_replace(regexp_replace(regexp_replace(coalesce(name, ''),
            '[（(][^）)]*[）)]', '', 'g'),
            '^(\p{Han}{2,3}省)?(\p{Han}{2,4}市)?(\p{Han}{1,3}[县区])?', ''),
            '(股份有限公司|有限责任公司|有限公司|分公司|公司|总厂|分厂|厂|门市部|经营部|店)$', ''), '')
            as name_norm,
        nullif(regexp_replace(regexp_replace(coalesce(address, ''), '\s', '', 'g'),
            '^(\p{Han}{2,3}省)?(\p{Han}{2,4}市)?(\p{Han}{1,3}[县区])?', ''), '') as addr_norm
    from unioned
)

select row_number() over (order by kind, key) - 1 as node, *,
       coalesce(township, regexp_extract(addr_norm, '^(\p{Han}{1,6}?(镇|乡|街道))', 1)) as town,
       regexp_extract(addr_norm, '(镇|乡|街道)(\p{Han}{1,8}?(村|社区|居委会|工业园区|集中区|园区))', 2) as village
from normalised;

-- name: apart
-- Two records are evidently apart when their points are far from each other, or when both
-- carry a 统一社会信用代码 and the codes differ (two legal entities): a shared name or address
-- then links nothing.
create or replace temp macro xhg_apart(uscc_a, uscc_b, lon_a, lat_a, lon_b, lat_b, veto_m) as
    coalesce(distance_m(lon_a, lat_a, lon_b, lat_b) > veto_m, false)
    or coalesce(uscc_a <> uscc_b, false);

-- name: edges
-- Candidate links. Rules, strongest first; each (a, b) with a < b.
create or replace temp table _links as
with
r as (select * from _records),

by_uscc as (
    -- the same 统一社会信用代码 on two records
    select a.node as a, b.node as b, 'uscc' as rule, 1.0 as score
    from r as a join r as b on a.uscc = b.uscc and a.node < b.node
    where a.uscc is not null
),

by_account as (
    -- a ledger entry or record naming the 户号
    select least(a.node, b.node) as a, greatest(a.node, b.node) as b, 'account_no', 1.0
    from r as a join r as b on a.account_no = b.account_no and a.node <> b.node
    where a.kind = 'closed_site' and b.kind = 'power_account'
),

name_groups as (
    -- names shared by few records only: a common name links nothing
    select name_norm from r
    where name_norm is not null and length(name_norm) >= 2 and not is_person
    group by name_norm having count(*) <= $max_group
),

by_name as (
    -- one firm under its normalised name, in the same township (when both say)
    select a.node as a, b.node as b, 'name', 0.9
    from r as a join r as b on a.name_norm = b.name_norm and a.node < b.node
    where a.name_norm in (select name_norm from name_groups)
      and a.kind <> b.kind
      and (a.town is null or b.town is null or a.town = b.town)
      and not xhg_apart(a.uscc, b.uscc, a.lon, a.lat, b.lon, b.lat, $veto_m)
),

addr_groups as (
    -- a specific address (with a house number) shared by a few records
    select addr_norm from r
    where addr_norm is not null and regexp_matches(addr_norm, '\d+号')
    group by addr_norm having count(*) <= $max_group
),

by_address as (
    -- the same specific address: how a person-named account inside a firm shows up (厂中厂)
    select a.node as a, b.node as b, 'address', 0.8
    from r as a join r as b on a.addr_norm = b.addr_norm and a.node < b.node
    where a.addr_norm in (select addr_norm from addr_groups)
      and not xhg_apart(a.uscc, b.uscc, a.lon, a.lat, b.lon, b.lat, $veto_m)
),

co_points as (
    -- records that may be colocated, each in a cube of (colocated_m + 1) m in Earth-centred
    -- coordinates: the chord between two points is never longer than their great-circle
    -- distance (distance_m), so records within colocated_m of each other lie in the same or
    -- neighbouring cubes; a village is matched against its neighbourhood, not against itself
    -- (a village name recurs across counties)
    select node, town, village, kind, is_person, addr_norm, lon, lat,
           floor(6371008.8 * cos(radians(lat)) * cos(radians(lon)) / (greatest($colocated_m, 0) + 1))
               as gx,
           floor(6371008.8 * cos(radians(lat)) * sin(radians(lon)) / (greatest($colocated_m, 0) + 1))
               as gy,
           floor(6371008.8 * sin(radians(lat)) / (greatest($colocated_m, 0) + 1)) as gz
    from r
    where village <> '' and lon is not null and isfinite(lon) and isfinite(lat)
),

co_probes as (
    -- each record looks into the 3 × 3 × 3 cubes around its own
    select p.*, p.gx + dx as px, p.gy + dy as py, p.gz + dz as pz
    from co_points as p
    cross join (values (-1), (0), (1)) as ox (dx)
    cross join (values (-1), (0), (1)) as oy (dy)
    cross join (values (-1), (0), (1)) as oz (dz)
),

by_colocated as (
    -- metres apart in one village, one side a firm, and the same address or one extending the
    -- other (文德村村北 / 文德村村北后院): a tenant's or a person's account inside a firm's yard
    select a.node as a, b.node as b, 'colocated', 0.75
    from co_probes as a join co_points as b
      on b.gx = a.px and b.gy = a.py and b.gz = a.pz
     and a.town = b.town and a.village = b.village and a.node < b.node
    where (a.kind in ('registry', 'permit') or (a.kind = 'power_account' and not a.is_person)
           or b.kind in ('registry', 'permit') or (b.kind = 'power_account' and not b.is_person))
      and (starts_with(a.addr_norm, b.addr_norm) or starts_with(b.addr_norm, a.addr_norm))
      and distance_m(a.lon, a.lat, b.lon, b.lat) <= $colocated_m
),

by_yard as (
    -- an address that says it lies inside another's yard (新晋村村西院内 / 新晋村村西): the
    -- record and the nearest firm at the yard's address within yard_m, in the same village —
    -- a yard is wider than colocated_m, and the tenant's address names the host's
    select least(a.node, f.node), greatest(a.node, f.node), 'yard', 0.75
    from r as a
    join r as f
      on f.addr_norm = regexp_replace(a.addr_norm, $yard_suffix, '')
     and f.town = a.town and f.village = a.village and f.node <> a.node
    where regexp_matches(a.addr_norm, $yard_suffix)
      and (f.kind in ('registry', 'permit') or (f.kind = 'power_account' and not f.is_person))
      and distance_m(a.lon, a.lat, f.lon, f.lat) <= $yard_m
      and not coalesce(a.uscc = f.uscc, false)
    qualify row_number() over (partition by a.node
                               order by distance_m(a.lon, a.lat, f.lon, f.lat), f.node) = 1
),

holders as (
    -- power accounts in a person's name, in a village
    select node, town, village, name from r
    where kind = 'power_account' and is_person and village <> '' and name is not null
),

shop_parts as (
    -- every piece of a registration's name as long as some holder's name, so that
    -- contains(shop name, holder name) is an equi-join on the piece
    select node, town, village, substr(name, i, n) as part
    from (select a.node, a.town, a.village, a.name, l.n,
                 unnest(range(1, length(a.name) - l.n + 2)) as i
          from r as a
          cross join (select distinct length(name) as n from holders) as l
          where a.kind = 'registry' and a.village <> '' and length(a.name) >= l.n)
),

by_holder as (
    -- a sole trader's shop (夏县某镇张三便利店) and the power account in the owner's name
    select distinct least(a.node, b.node), greatest(a.node, b.node), 'holder_name', 0.85
    from shop_parts as a join holders as b
      on a.village = b.village and a.town = b.town and a.part = b.name
)

select * from by_uscc union all select * from by_account union all select * from by_name
union all select * from by_address union all select * from by_colocated
union all select * from by_yard union all select * from by_holder;

-- name: place_consignees
-- Who the e-waybills of the trucks stopping at a truck place that day (or the day before)
-- name as consignee: the receiver the transport office's own records put at the stop.
create or replace temp table _place_consignees as
select distinct v.place_id, w.consignee
from truck_place_visits as v
join truck_stays as s using (stay_id)
join waybills as w
    on w.plate = s.plate and w.ship_date between s.started_at::date - 1 and s.ended_at::date
where w.consignee is not null;

-- name: near
-- Records with only a point (truck places, tips, ledger entries) join the nearest record
-- with a point and an identity, within reach; a grid equi-join finds the candidates. A truck
-- place joins the record its trucks' waybills name as consignee first, when that one is in
-- reach (a shop nearer the gate than the brick works that receives the diesel).
create or replace temp table _near as
with
anchors as (
    select node, name, lon, lat, kind, tariff_class, is_person,
           floor(lon * 1000)::bigint as cx, floor(lat * 1000)::bigint as cy  -- ~90 m × 110 m cells
    from _records
    where lon is not null and kind in ('registry', 'permit', 'power_account', 'closed_site')
),

seekers as (
    -- a ledger entry that names its 户号 or credit code is placed by that key, not by its point
    -- (a point near a neighbour would bridge two places)
    select node, key, lon, lat, kind from _records
    where lon is not null and kind in ('truck_place', 'tip', 'closed_site')
      and not (kind = 'closed_site' and node in (
          select a from _links where rule in ('uscc', 'account_no')
          union all
          select b from _links where rule in ('uscc', 'account_no')))
),

probes as (
    -- each seeker looks into the 5 × 5 cells around its own (reach up to ~180 m)
    select s.node, s.key, s.lon, s.lat, s.kind,
           floor(s.lon * 1000)::bigint + dx as cx, floor(s.lat * 1000)::bigint + dy as cy
    from seekers as s
    cross join (values (-2), (-1), (0), (1), (2)) as ox (dx)
    cross join (values (-2), (-1), (0), (1), (2)) as oy (dy)
),

cand as (
    select p.node as a, n.node as b, p.kind as seeker_kind,
           distance_m(p.lon, p.lat, n.lon, n.lat) as d_m,
           -- a firm or a business account is a better anchor than a household, at equal distance
           case when n.kind in ('registry', 'permit') or n.tariff_class in ('大工业用电', '一般工商业用电')
                then 0 else 1 end as weak,
           -- the trucks' waybills name this record as the consignee
           p.kind = 'truck_place' and exists (
               select 1 from _place_consignees as c
               where c.place_id = p.key and c.consignee = n.name) as named
    from probes as p
    join anchors as n on n.cx = p.cx and n.cy = p.cy
    where n.node <> p.node and n.kind <> p.kind
)

select a, b, 'near_' || seeker_kind as rule,
       round(1 - d_m / $reach_m, 3) * 0.8 as score, d_m
from cand
where d_m <= $reach_m
-- a household's metered point counts household_penalty_m farther than a firm's: a yard's trucks
-- stand nearer a neighbour's house now and then, but a truck place on a house's very meter is
-- that house (a geocoded registration 40 m off does not take it)
qualify row_number() over (partition by a order by named desc, d_m + weak * $household_penalty_m,
                                                weak, d_m, b) = 1;

-- name: sites
-- One site per component: the anchor (a registration before a permit, an account, a ledger
-- entry, a truck place, a tip) names it and gives its stable id; the best point places it.
create or replace table sites as
with
members as (
    -- records are numbered in (kind, key) order, so ordering a component's members by
    -- (rank, node) orders them by (rank of the kind, person, key); one bigint, rank << 40 | node
    select c.comp, r.node, r.name, r.address, r.town, r.lon,
           ((case r.kind when 'registry' then 1 when 'permit' then 2 when 'power_account' then 3
                         when 'closed_site' then 4 when 'truck_place' then 5 else 6 end * 2
             + case when r.kind = 'power_account' and r.is_person then 1 else 0 end)::bigint << 40)
           + r.node as ord,
           -- the power GIS point first (metres-accurate), then registrations, permits, truck places
           ((case r.kind when 'power_account' then 1 when 'registry' then 2 when 'permit' then 3
                         when 'closed_site' then 4 when 'truck_place' then 5 else 6 end * 2
             + case when r.kind = 'power_account' and r.is_person then 1 else 0 end)::bigint << 40)
           + r.node as place_ord
    from _components as c join _records as r using (node)
),

picked as (
    -- per component, the first member in that order (and the first with a name, an address, a
    -- point, a township)
    select comp,
           arg_min(node, ord) as anchor,
           arg_min(node, ord) filter (where name is not null) as named,
           arg_min(node, ord) filter (where address is not null) as addressed,
           arg_min(node, place_ord) filter (where lon is not null) as placed,
           arg_min(node, ord) filter (where town is not null) as towned
    from members
    group by comp
)

-- 16 hex digits of the anchor's hash: with 10 (40 bits), a province's 2M sites held three
-- pairs of places under one id (birthday bound ~ n^2 / 2^41)
select 'S' || upper(substr(sha256(a.kind || ':' || a.key), 1, 16)) as site_id,
       a.kind as anchor_kind, a.key as anchor_key,
       n.name, d.address, t.town as township, p.lon, p.lat, m.comp
from picked as m
join _records as a on a.node = m.anchor
left join _records as n on n.node = m.named
left join _records as d on d.node = m.addressed
left join _records as p on p.node = m.placed
left join _records as t on t.node = m.towned;

-- name: nearest_town
-- A site with no township of its own (a truck place in the fields) takes its nearest (within
-- ~10 km) neighbour's.
update sites set township = nb.township
from (
    with
    lost as (
        -- each site without a township looks into the 5 × 5 cells of 0.1° around its own
        select site_id, lon, lat, floor(lon * 10) + dx as cx, floor(lat * 10) + dy as cy
        from sites
        cross join (values (-2), (-1), (0), (1), (2)) as ox (dx)
        cross join (values (-2), (-1), (0), (1), (2)) as oy (dy)
        where township is null and lon is not null
    ),

    known as (
        select township, lon, lat, floor(lon * 10) as cx, floor(lat * 10) as cy
        from sites
        where township is not null
    )

    select s.site_id, o.township
    from lost as s join known as o
      on o.cx = s.cx and o.cy = s.cy
     and o.lon between s.lon - 0.1 and s.lon + 0.1 and o.lat between s.lat - 0.1 and s.lat + 0.1
    qualify row_number() over (partition by s.site_id
                               order by distance_m(s.lon, s.lat, o.lon, o.lat), o.township) = 1
) as nb
where sites.site_id = nb.site_id;

-- name: members
create or replace table site_members as
with
best_link as (
    -- the strongest link that attached each record, and to which record
    select node, other, rule, score from (
        select a as node, b as other, rule, score from _all_links
        union all select b, a, rule, score from _all_links)
    -- ties broken by the other record and the rule, so a rerun reads the same
    qualify row_number() over (partition by node order by score desc, other, rule) = 1
)

select s.site_id, r.kind as member_kind, r.key as member_key,
       case when r.kind = s.anchor_kind and r.key = s.anchor_key then 'anchor'
            else coalesce(l.rule, 'anchor') end as rule,
       case when r.kind = s.anchor_kind and r.key = s.anchor_key then 1.0
            else coalesce(l.score, 1.0) end as score,
       o.kind || ':' || o.key as linked_to,
       r.name as member_name, r.address as member_address
from _components as c
join _records as r using (node)
join sites as s using (comp)
left join best_link as l on l.node = r.node
left join _records as o on o.node = l.other;

-- name: cleanup
drop table if exists _records;
drop table if exists _links;
drop table if exists _near;
drop table if exists _all_links;
drop table if exists _components;
drop table if exists _tip_cand;
drop table if exists _tip_links;
alter table sites drop column comp;

-- name: tip_candidates
-- A tip with no point names its place in words: candidates are records in the same village
-- (or township, when the tip names no village) with an identity; scored in Python.
create or replace temp table _tip_cand as
with
tips as (
    select node, town, village,
           -- what is left once the township and village are said: "废品站", "张三家院子"
           regexp_replace(coalesce(name, '') || coalesce(addr_norm, ''),
                          '^.*?(镇|乡|街道)(\p{Han}{1,8}?(村|社区))?', '') as what
    from _records
    where kind = 'tip' and lon is null and town is not null
),

recs as (
    select node, town, village, kind, is_person, name, addr_norm
    from _records
    where kind in ('registry', 'power_account', 'closed_site') and name is not null
)

select t.node as a, r.node as b, t.what, r.name, r.is_person
from tips as t join recs as r
  on r.town = t.town and (t.village = '' or r.village = t.village)
where t.what <> '';
