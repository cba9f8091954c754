-- Truck stays from vehicle_tracks: sites/stays.py reads `fixes`, finds the stays in numpy and
-- writes them with `stays`.

-- name: fixes
-- the usable fixes, unordered (numpy sorts them by plate and time): four narrow columns;
-- t in microseconds since the epoch; only the plates of one shard (all when n_shards is 1). The
-- parameters are typed: untyped, DuckDB's modulo ran ~7x slower (p4: 10 s against 1.5 s)
select plate::varchar as plate, epoch_us(ts) as t, lon::double as lon, lat::double as lat
from vehicle_tracks
where plate is not null and ts is not null and lon is not null and lat is not null
  and hash(plate::varchar) % $n_shards::ubigint = $shard::ubigint;

-- name: stays
-- _stays_found: plate, started_at, ended_at, lon, lat, n_points, gap_parked, conflict of the
-- stays found
create or replace table truck_stays as
with
timed as (
    select *, (epoch(ended_at) - epoch(started_at)) / 60.0 as duration_min  -- s -> min
    from _stays_found
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
    from timed
)

select
    plate || '|' || strftime(started_at, '%Y%m%dT%H%M%S') as stay_id,
    plate,
    started_at,
    ended_at,
    duration_min,
    lon,
    lat,
    n_points::bigint as n_points,
    night,
    gap_parked,
    conflict
from night
order by plate, started_at;

-- name: conflicted_plates
-- plates on two vehicles at once (step 5): their stays, which places leave out
select plate, count(*) as stays, min(started_at)::date as first_day, max(ended_at)::date as last_day
from truck_stays
where conflict
group by plate
order by plate;

-- name: night_macro
create or replace temp macro xhg_meets_night(s, e, d, start_h, end_h) as
    s < d + to_hours(end_h) + case when start_h > end_h then interval 1 day else interval 0 day end
    and e > d + to_hours(start_h);
