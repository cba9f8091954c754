-- Truck places from truck_stays: statements run in order by sites/places.py.
-- Needs the macro xhg_dist_m (created here as in stays.sql), the grid macros of
-- sources/geo.sql and tables waybills, permits.

-- name: macros
-- degrees -> metres: equirectangular on the mean Earth radius (< 0.1 % off haversine < 10 km)
create or replace temp macro xhg_dist_m(lon1, lat1, lon2, lat2) as
    6371008.8 * sqrt(
        power(radians(lon2 - lon1) * cos(radians((lat1 + lat2) / 2)), 2)
        + power(radians(lat2 - lat1), 2)
    );

-- name: stays
-- the graph's nodes are cells, not stays: a cell is a square of 0.999 link_m / sqrt(2) on a side
-- (in degrees of latitude; narrower in metres east-west), so any two stays in one cell are
-- closer than link_m and belong to one place; a yard of a thousand stays is one node, not half
-- a million edges. Cells are numbered in order of their first stay (by stay_id), so a place's
-- smallest node holds its first stay.
create or replace temp table _place_stays as
with
stays as (
    -- not the stays of a plate on two vehicles at once (sites/stays.py, step 5)
    select stay_id, lon, lat
    from truck_stays
    where not conflict
),

scale as (
    -- degrees on xhg_dist_m's sphere; 0.999 keeps the cell's diagonal clear of rounding
    select $link_m / (6371008.8 * pi() / 180) / sqrt(2) * 0.999 as cell_deg
),

cells as (
    select
        s.stay_id,
        s.lon,
        s.lat,
        floor(s.lon / c.cell_deg)::bigint as gx,
        floor(s.lat / c.cell_deg)::bigint as gy
    from stays as s
    cross join scale as c
),

firsts as (
    select *, min(stay_id) over (partition by gx, gy) as first_stay_id
    from cells
)

select stay_id, lon, lat, gx, gy, dense_rank() over (order by first_stay_id) as node
from firsts;

-- name: nodes
create or replace temp table _place_nodes as
select distinct node, gx, gy
from _place_stays;

-- name: edges
-- two cells are linked when a stay of one is closer than link_m to a stay of the other. Such
-- stays are less than link_m / (0.999 cell / sqrt(2)) cells apart north-south, and that over
-- cos(latitude) east-west (at most the stays' highest latitude): 2 and 2 cells in Shanxi
create or replace temp table _place_edges as
with
reach as (
    select
        ceil(sqrt(2) / 0.999)::bigint as ry,
        ceil(sqrt(2) / 0.999 / cos(radians(max(abs(lat)))))::bigint as rx
    from _place_stays
),

probes as (
    select n.node, n.gx + dx as gx, n.gy + dy as gy
    from _place_nodes as n
    cross join reach as r
    cross join lateral (select unnest(range(-r.rx, r.rx + 1)) as dx)
    cross join lateral (select unnest(range(-r.ry, r.ry + 1)) as dy)
),

pairs as (
    select p.node as a, n.node as b
    from probes as p
    inner join _place_nodes as n on n.gx = p.gx and n.gy = p.gy
    where p.node < n.node
)

select distinct p.a, p.b
from pairs as p
inner join _place_stays as s on s.node = p.a
inner join _place_stays as t on t.node = p.b
where xhg_dist_m(s.lon, s.lat, t.lon, t.lat) < $link_m;

-- name: start_labels
create or replace temp table _place_labels as
select node, node as label
from _place_nodes;

-- name: propagate
create or replace temp table _place_labels_next as
with
edges as (
    select a, b from _place_edges
    union all
    select b as a, a as b from _place_edges
),

neighbour_min as (
    select e.a as node, min(l.label) as label
    from edges as e
    inner join _place_labels as l on l.node = e.b
    group by e.a
),

spread as (
    select l.node, least(l.label, coalesce(m.label, l.label)) as label
    from _place_labels as l
    left join neighbour_min as m using (node)
)

-- pointer jump: take the label of one's label too, so long chains settle in few passes
select s.node, least(s.label, j.label) as label
from spread as s
inner join spread as j on j.node = s.label;

-- name: count_changed
select count(*)
from _place_labels_next as n
inner join _place_labels as l using (node)
where n.label <> l.label;

-- name: swap_labels
create or replace temp table _place_labels as
select node, label
from _place_labels_next;

-- name: places
create or replace table truck_place_visits as
with
members as (
    select s.stay_id, l.label
    from _place_stays as s
    inner join _place_labels as l using (node)
),

stays as (
    select stay_id, plate, started_at, ended_at, duration_min, lon, lat, night
    from truck_stays
),

visits as (
    select m.label, s.*
    from members as m
    inner join stays as s using (stay_id)
),

centres as (
    select label, avg(lon) as lon, avg(lat) as lat, min(started_at) as first_seen
    from visits
    group by label
),

named as (
    -- the id is the 0.001-degree cell (about 110 m x 90 m here) of the centroid, so a place
    -- keeps it while new visits move its centroid only a little; places sharing a cell
    -- get -2, -3 in order of first visit
    select
        label,
        'E' || floor(lon * 1000)::bigint || 'N' || floor(lat * 1000)::bigint as cell_id,
        row_number() over (
            partition by floor(lon * 1000), floor(lat * 1000) order by first_seen, label
        ) as nth
    from centres
)

select
    v.stay_id,
    n.cell_id || case when n.nth > 1 then '-' || n.nth else '' end as place_id
from visits as v
inner join named as n using (label)
order by place_id, v.stay_id;

-- name: truck_places
create or replace table truck_places as
with
visits as (
    select v.place_id, s.stay_id, s.plate, s.started_at, s.ended_at, s.duration_min,
           s.lon, s.lat, s.night
    from truck_place_visits as v
    inner join truck_stays as s using (stay_id)
),

waybills as (
    select plate, ship_date, cargo
    from waybills
    where cargo is not null
),

permits as (
    select holder_name, permit_type, scope, valid_until, lon, lat
    from permits
    where lon is not null and lat is not null
),

stats as (
    select
        place_id,
        avg(lon) as lon,
        avg(lat) as lat,
        count(*) as n_visits,
        count(distinct plate) as n_plates,
        count(*) filter (where night) as n_night_visits,
        count(distinct started_at::date) as n_days,
        median(duration_min) as dwell_min_median,
        sum(duration_min) as dwell_min_total,
        min(started_at) as first_seen,
        max(ended_at) as last_seen
    from visits
    group by place_id
),

extent as (
    -- single linkage chains: a place much wider than link_m is a string of stops, not a yard
    select v.place_id, max(xhg_dist_m(s.lon, s.lat, v.lon, v.lat)) as extent_m
    from visits as v
    inner join stats as s using (place_id)
    group by v.place_id
),

cargo as (
    -- waybills of the visiting truck dated on a day the visit covers
    select v.place_id, array_to_string(list_sort(list(distinct w.cargo)), ';') as cargo
    from visits as v
    inner join waybills as w
        on w.plate = v.plate
        and w.ship_date between v.started_at::date and v.ended_at::date
    group by v.place_id
),

fuel_permits as (
    -- fuel stations: no source lists them yet, so stations' permits to trade (经营) in petrol
    -- or diesel stand in (not a depot's or a trader's: trucks load there, they do not
    -- refuel); a fuel-station source would be unioned here
    select lon, lat
    from permits
    where concat_ws(' ', permit_type, scope) like '%经营%'
      and regexp_matches(concat_ws(' ', permit_type, scope), $fuel_pattern)
      and regexp_matches(coalesce(holder_name, ''), $station_pattern)
),

grid as (
    -- cells permit_search_m wide (sources/geo.sql, grid_cell): a place meets only the permits
    -- in the 3 × 3 block of cells around it (a cross join grows as places × permits: 25,837 ×
    -- 5,000 at p100)
    select grid_cell($permit_search_m, max(abs(lat))) as cell from stats
),

probes as (
    select s.place_id, s.lon, s.lat, s.last_seen,
           grid_x(s.lon, g.cell) + b.dx as cx, grid_y(s.lat, g.cell) + b.dy as cy
    from stats as s
    cross join grid as g
    cross join grid_block() as b
),

permit_cells as (
    select false as fuel, valid_until, lon, lat from permits
    union all
    select true, null, lon, lat from fuel_permits
),

near_points as (
    select q.place_id, c.fuel, c.valid_until, q.last_seen,
           xhg_dist_m(q.lon, q.lat, c.lon, c.lat) as d_m
    from probes as q
    inner join (
        select p.*, grid_x(p.lon, g.cell) as cx, grid_y(p.lat, g.cell) as cy
        from permit_cells as p cross join grid as g
    ) as c using (cx, cy)
),

nearest_permit as (
    select place_id,
           min(d_m) filter (where not fuel and (not $require_valid_permit
                                               or valid_until >= last_seen::date)) as nearest_permit_m,
           min(d_m) filter (where fuel) as nearest_fuel_m
    from near_points
    where d_m <= $permit_search_m
    group by place_id
)

select
    s.place_id,
    s.lon,
    s.lat,
    e.extent_m,
    s.n_visits,
    s.n_plates,
    s.n_night_visits,
    s.n_days,
    s.dwell_min_median,
    s.dwell_min_total,
    s.first_seen,
    s.last_seen,
    c.cargo,
    coalesce(p.nearest_permit_m <= $licensed_reach_m, false) as near_permit,
    p.nearest_permit_m,
    coalesce(p.nearest_fuel_m <= $licensed_reach_m, false) as near_fuel_station
from stats as s
inner join extent as e using (place_id)
left join cargo as c using (place_id)
left join nearest_permit as p using (place_id)
order by s.place_id;

-- name: cleanup
drop table if exists _place_labels_next;
drop table if exists _place_labels;
drop table if exists _place_edges;
drop table if exists _place_nodes;
drop table if exists _place_stays;
