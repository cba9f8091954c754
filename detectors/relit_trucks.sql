-- relit (trucks): hazmat-truck stays at a closed site's truck places after its closed_on.
-- Run only when truck_stays, truck_place_visits exist (see relit.py).
with

members as (
    select site_id, member_kind, member_key from site_members
),

closed as (
    select site_id, max(closed_on) as closed_on, string_agg(distinct name, '、' order by name) as closed_names
    from (
        select m.site_id, c.name, c.closed_on
        from members as m
        join closed_sites as c on m.member_kind = 'closed_site' and m.member_key = c.name || '|' || c.address
        where c.closed_on is not null
        union all
        select site_id, name, closed_on from relit_outcome_closures
    )
    where closed_on < $as_of
    group by site_id
),

visits as (
    select c.site_id, c.closed_on, c.closed_names, s.plate, s.started_at, s.night
    from closed as c
    join members as m on m.site_id = c.site_id and m.member_kind = 'truck_place'
    join truck_place_visits as v on v.place_id = m.member_key
    join truck_stays as s on s.stay_id = v.stay_id
    where s.started_at > c.closed_on + interval 1 day and s.started_at < $as_of::date + interval 1 day
      -- an overnight park is a driver living nearby, not a delivery to a workshop
      and date_diff('minute', s.started_at, s.ended_at) < $parked_min
),

per_site as (
    select
        site_id, any_value(closed_on) as closed_on, any_value(closed_names) as closed_names,
        count(*) as n_visits, count(*) filter (where night) as n_night,
        count(distinct plate) as n_plates,
        min(started_at)::date as first_visit, max(started_at)::date as last_visit
    from visits
    group by site_id
)

select
    site_id,
    'relit' as detector,
    -- night stays count double
    round(1 - pow(1 - $truck_visit_weight, n_visits + n_night), 4) as score,
    first_visit as period_start,
    last_visit as period_end,
    '复燃' as category_hint,
    '清单台账已关停（' || closed_names || '，' || strftime(closed_on, '%Y-%m-%d') || '）；关停后危化品车辆停靠 '
        || n_visits || ' 次（夜间 ' || n_night || ' 次，' || n_plates || ' 辆车），最近 '
        || strftime(last_visit, '%Y-%m-%d') as reason,
    json_object('closed_on', closed_on, 'n_visits', n_visits, 'n_night', n_night,
        'n_plates', n_plates, 'first_visit', first_visit, 'last_visit', last_visit)::varchar as facts
from per_site
order by site_id
