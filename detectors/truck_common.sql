-- What the truck detectors share: a site's truck stays in the window, and which trucks only
-- park there. Table macros, installed by detectors.base.install_truck_macros before each runs.

-- name: site_stays
-- stays starting in days (as_of - window_days, as_of], at the places members of a site
create or replace temp macro xhg_truck_site_stays(as_of, window_days) as table
    select m.site_id, v.place_id, s.stay_id, s.plate, s.started_at, s.ended_at, s.duration_min,
           s.lon, s.lat, s.night
    from truck_stays as s
    inner join truck_place_visits as v using (stay_id)
    inner join site_members as m on m.member_kind = 'truck_place' and m.member_key = v.place_id
    where s.started_at >= as_of - (window_days - 1) and s.started_at < as_of + 1;

-- name: parked
-- one truck's stays at one site: parked overnight for hours is where a driver sleeps
create or replace temp macro xhg_truck_parked(as_of, window_days, dwell_min, night_share) as table
    select site_id, plate,
           median(duration_min) >= dwell_min and avg(night::int) >= night_share as parked
    from xhg_truck_site_stays(as_of, window_days)
    group by site_id, plate;

-- name: roadside
-- sites where drivers stop to eat, sleep, shop or have the truck seen to: a registration or
-- power account of the site bears such a name; roadside_note is the clause the detectors add
-- to their reason (tables schema-qualified: the detectors' CTEs named registry would shadow
-- them)
create or replace temp macro xhg_roadside_sites(pattern) as table
    select m.site_id, min(n.name) as roadside_name,
           '；本场所「' || min(n.name) || '」为沿路餐饮、商店或修车等场所，司机途中常停靠，权重较低'
               as roadside_note
    from main.site_members as m
    inner join (
        select 'registry' as kind, uscc as key, name from main.registry
        union all
        select 'power_account', account_no, account_name from main.power_accounts
    ) as n on n.kind = m.member_kind and n.key = m.member_key
    where regexp_matches(n.name, pattern)
    group by m.site_id;

-- name: place_permits
-- every permit valid on as_of within reach_m of each truck place, with its distance: places and
-- permits meet in grid cells reach_m wide (sources/geo.sql), not in a cross join, which grows
-- as places × permits (25,837 × 5,000 at p100). Tables schema-qualified, as above.
create or replace temp macro xhg_place_permits(as_of, reach_m) as table
    with
    g as (
        select grid_cell(reach_m, max(abs(lat))) as cell from main.truck_places
    ),
    probes as (
        select pl.place_id, pl.lon, pl.lat,
               grid_x(pl.lon, g.cell) + b.dx as cx, grid_y(pl.lat, g.cell) + b.dy as cy
        from main.truck_places as pl, g, grid_block() as b
    ),
    cells as (
        select p.permit_no, p.holder_name, p.lon, p.lat,
               grid_x(p.lon, g.cell) as cx, grid_y(p.lat, g.cell) as cy
        from main.permits as p, g
        where p.valid_until >= as_of and p.lon is not null and p.lat is not null
    )
    select q.place_id, c.permit_no, c.holder_name, distance_m(q.lon, q.lat, c.lon, c.lat) as d_m
    from probes as q
    inner join cells as c using (cx, cy)
    where distance_m(q.lon, q.lat, c.lon, c.lat) <= reach_m;
