-- Truck stays from vehicle_tracks: statements run in order by sites/stays.py.
-- Every window is partitioned by the plate (its integer surrogate pid) and ordered by ts.

-- name: fixes
create or replace temp table _stay_fixes as
with
raw as (
    select plate, ts, lon, lat
    from vehicle_tracks
    where plate is not null and ts is not null and lon is not null and lat is not null
),

plates as (
    -- windows sort an integer key faster than a Chinese plate
    select plate, row_number() over (order by plate) as pid
    from (select distinct plate from raw)
),

tracks as (
    -- degrees of longitude -> metres at the fix's latitude
    select
        p.pid,
        r.plate,
        r.ts,
        epoch_us(r.ts) as t,  -- microseconds
        r.lon,
        r.lat,
        cos(radians(r.lat)) * 111194.93 as kx
    from raw as r
    inner join plates as p using (plate)
),

neighbours as (
    select
        pid,
        plate,
        ts,
        t,
        lon,
        lat,
        kx,
        lag(t, 2) over w as t_p2,
        lag(lon, 2) over w as lon_p2,
        lag(lat, 2) over w as lat_p2,
        lag(t) over w as t_p1,
        lag(lon) over w as lon_p1,
        lag(lat) over w as lat_p1,
        lead(t) over w as t_n1,
        lead(lon) over w as lon_n1,
        lead(lat) over w as lat_n1,
        lead(t, 2) over w as t_n2,
        lead(lon, 2) over w as lon_n2,
        lead(lat, 2) over w as lat_n2
    from tracks
    window w as (partition by pid order by ts)
),

jumps as (
    -- a fix radius_m or more from both neighbours, which lie within radius_m of each other
    -- and within max_gap_min, is a one-fix GPS jump: it is dropped so that it neither splits
    -- a stay nor anchors a new one; jumps of the neighbours are found the same way
    select
        *,
        xhg_is_jump(lon_p1, lat_p1, t_p1, lon, lat, lon_n1, lat_n1, t_n1,
                    kx, $radius_m, $max_gap_us) as jump,
        xhg_is_jump(lon_p2, lat_p2, t_p2, lon_p1, lat_p1, lon, lat, t,
                    kx, $radius_m, $max_gap_us) as prev_jump,
        xhg_is_jump(lon, lat, t, lon_n1, lat_n1, lon_n2, lat_n2, t_n2,
                    kx, $radius_m, $max_gap_us) as next_jump
    from neighbours
),

steps as (
    -- the previous and the next kept fix skip over a jump
    select
        pid,
        plate,
        ts,
        t,
        lon,
        lat,
        kx,
        case when prev_jump then t_p2 else t_p1 end as prev_t,
        case when prev_jump then lon_p2 else lon_p1 end as prev_lon,
        case when prev_jump then lat_p2 else lat_p1 end as prev_lat,
        make_timestamp(case when next_jump then t_n2 else t_n1 end) as next_ts
    from jumps
    where not jump
),

flagged as (
    select
        pid,
        plate,
        ts,
        lon,
        lat,
        next_ts,
        -- a run of fixes ends where one step moves radius_m or more, however long the gap
        -- before it; a truck reappearing within radius_m after a gap stays in its run
        coalesce(xhg_apart(prev_lon, prev_lat, lon, lat, kx, $radius_m), true) as run_break,
        coalesce(t - prev_t > $max_gap_us, false) as after_gap,
        kx
    from steps
),

run_starts as (
    select pid, ts as anchor_ts, lon as anchor_lon, lat as anchor_lat
    from flagged
    where run_break
)

-- every fix gets its run's first fix, the run's first anchor (asof: the latest run start
-- at or before the fix, per plate)
select
    f.pid,
    f.plate,
    f.ts,
    f.lon,
    f.lat,
    f.next_ts,
    f.after_gap,
    f.kx,
    s.anchor_ts,
    s.anchor_lon,
    s.anchor_lat,
    xhg_apart(s.anchor_lon, s.anchor_lat, f.lon, f.lat, f.kx, $radius_m) as far
from flagged as f
asof inner join run_starts as s on f.pid = s.pid and f.ts >= s.anchor_ts;

-- name: refined
-- runs where some fix leaves the first anchor (crawling trucks) need the anchor chain;
-- every other run is one segment already
create or replace temp table _stay_refined as
select pid, anchor_ts
from _stay_fixes
group by pid, anchor_ts
having bool_or(far);

-- name: anchors
create or replace temp table _stay_anchors as
with recursive
pending as materialized (
    select f.pid, f.ts, f.lon, f.lat, f.kx, f.anchor_ts as run_ts
    from _stay_fixes as f
    semi join _stay_refined as r using (pid, anchor_ts)
),

chain (pid, run_ts, anchor_ts, anchor_lon, anchor_lat) as (
    select pid, run_ts, ts, lon, lat
    from pending
    where ts = run_ts
    union all
    -- trackintel's sliding rule, all runs at once: the first later fix of the run that is
    -- radius_m or more from the current anchor is the next anchor
    select
        c.pid,
        c.run_ts,
        min(p.ts),
        arg_min(p.lon, p.ts),
        arg_min(p.lat, p.ts)
    from chain as c
    inner join pending as p
        on p.pid = c.pid and p.run_ts = c.run_ts and p.ts > c.anchor_ts
    where xhg_apart(c.anchor_lon, c.anchor_lat, p.lon, p.lat, p.kx, $radius_m)
    group by c.pid, c.run_ts
)

select pid, run_ts, anchor_ts
from chain;

-- name: stays
create or replace table truck_stays as
with
members as (
    -- runs that stayed within radius_m of their first fix, and the segments of the others:
    -- a fix belongs to the latest anchor of its run at or before it
    select pid, plate, ts, lon, lat, next_ts, after_gap, anchor_ts
    from _stay_fixes
    anti join _stay_refined using (pid, anchor_ts)
    union all
    select f.pid, f.plate, f.ts, f.lon, f.lat, f.next_ts, f.after_gap, a.anchor_ts
    from (select * from _stay_fixes semi join _stay_refined using (pid, anchor_ts)) as f
    asof inner join _stay_anchors as a
        on f.pid = a.pid and f.anchor_ts = a.run_ts and f.ts >= a.anchor_ts
),

segments as (
    select
        any_value(plate) as plate,
        anchor_ts as started_at,
        max(ts) as last_fix_at,
        arg_max(next_ts, ts) as next_fix_at,
        avg(lon) as lon,
        avg(lat) as lat,
        count(*) as n_points,
        -- a gap before the anchor fix lies before the stay; only gaps inside it count
        coalesce(bool_or(after_gap and ts > anchor_ts), false) as gap_parked
    from members
    group by pid, anchor_ts
    having count(*) >= 2
),

ended as (
    -- like trackintel, a stay ends at the first fix outside it, unless that fix comes after
    -- a data gap: then the truck left at an unknown time and the stay ends at its last fix
    select
        *,
        case
            when next_fix_at - last_fix_at <= $max_gap then next_fix_at
            else last_fix_at
        end as ended_at
    from segments
),

qualified as (
    select *, (epoch(ended_at) - epoch(started_at)) / 60.0 as duration_min  -- s -> min
    from ended
    where epoch(ended_at) - epoch(started_at) >= $min_duration_min * 60
),

night as (
    -- clock night [night_start_hour, night_end_hour), wrapping past midnight when start > end;
    -- a stay shorter than a day can only meet the nights that begin on the day before its
    -- start, on its start day, or on its end day
    select
        *,
        $night_start_hour::integer <> $night_end_hour::integer
        and (
            duration_min >= 24 * 60
            or xhg_meets_night(started_at, ended_at, started_at::date - 1,
                               $night_start_hour::integer, $night_end_hour::integer)
            or xhg_meets_night(started_at, ended_at, started_at::date,
                               $night_start_hour::integer, $night_end_hour::integer)
            or xhg_meets_night(started_at, ended_at, ended_at::date,
                               $night_start_hour::integer, $night_end_hour::integer)
        ) as night
    from qualified
)

select
    plate || '|' || strftime(started_at, '%Y%m%dT%H%M%S') as stay_id,
    plate,
    started_at,
    ended_at,
    duration_min,
    lon,
    lat,
    n_points,
    night,
    gap_parked
from night
order by plate, started_at;

-- name: jump_macro
-- degrees -> metres, squared: kx is metres per degree of longitude at one of the two fixes
-- (they are close when it matters), 111194.93 metres per degree of latitude; comparing
-- squares spares a square root and two cosines per pair on the hot path
create or replace temp macro xhg_apart(lon1, lat1, lon2, lat2, kx, radius_m) as
    (lon2 - lon1) * kx * (lon2 - lon1) * kx
    + (lat2 - lat1) * 111194.93 * (lat2 - lat1) * 111194.93 >= radius_m * radius_m;

-- fix b is a one-fix jump between a and c, which are at most max_gap_us apart (times in
-- microseconds since the epoch: integer arithmetic is much cheaper than intervals)
create or replace temp macro xhg_is_jump(lon_a, lat_a, t_a, lon_b, lat_b, lon_c, lat_c, t_c,
                                         kx, radius_m, max_gap_us) as
    coalesce(
        xhg_apart(lon_a, lat_a, lon_b, lat_b, kx, radius_m)
        and xhg_apart(lon_b, lat_b, lon_c, lat_c, kx, radius_m)
        and not xhg_apart(lon_a, lat_a, lon_c, lat_c, kx, radius_m)
        and t_c - t_a <= max_gap_us,
        false
    );

-- name: night_macro
create or replace temp macro xhg_meets_night(s, e, d, start_h, end_h) as
    s < d + to_hours(end_h) + case when start_h > end_h then interval 1 day else interval 0 day end
    and e > d + to_hours(start_h);

-- name: cleanup
drop table if exists _stay_anchors;
drop table if exists _stay_refined;
drop table if exists _stay_fixes;
