-- truck_unlicensed_stop: hazmat trucks stopping repeatedly where no licensed site or fuel
-- station is. Window: stays starting in days (as_of - window_days, as_of].
with


places as (
    -- near_fuel_station: sites.places' hook for a fuel-station source besides the permits
    select place_id, lon, lat, near_fuel_station from truck_places
),

members as (
    select site_id, member_kind, member_key from site_members
),

permits as (
    -- an expired permit is no permit
    select permit_no, holder_name, lon, lat
    from permits
    where valid_until >= $as_of
),

accounts as (
    select account_no, tariff_class, lon, lat from power_accounts
),

registry as (
    select uscc, lon, lat from registry
),

waybills as (
    select plate, ship_date, cargo from waybills where cargo is not null
),

-- where people live and firms sit: every power account and registration with a point
points as (
    select 'power_account' as kind, account_no as key, lon, lat
    from accounts where lon is not null
    union all
    select 'registry', uscc, lon, lat
    from registry where lon is not null
),

place_site as (
    select member_key as place_id, site_id from members where member_kind = 'truck_place'
),

site_facts as (
    -- a valid permit among the site's members licenses it; a household account marks a home
    select
        m.site_id,
        bool_or(m.member_kind = 'permit' and m.member_key in (select permit_no from permits))
            as has_permit,
        bool_or(m.member_kind = 'power_account' and m.member_key in (
            select account_no from accounts where tariff_class = $residential_class))
            as has_household,
        bool_or(m.member_kind in ('registry', 'power_account', 'permit')) as has_identity
    from members as m
    where m.site_id in (select site_id from place_site)
    group by m.site_id
),

place_licence as (
    -- the nearest valid permit within licence reach (the larger of licensed_reach_m and
    -- licence_doubt_m; NULL beyond: truck_common.sql). Holders at one point, a park's shared
    -- address: the first by name.
    select
        place_id,
        min(d_m) as nearest_permit_m,
        arg_min(holder_name, {'d': d_m, 'h': holder_name}) as nearest_holder
    from xhg_place_permits($as_of, greatest($licensed_reach_m, $licence_doubt_m))
    group by place_id
),

grid as (
    -- cells remote_full_m wide (sources/geo.sql): the 3 × 3 block around a place holds every
    -- point within remote_full_m
    select grid_cell($remote_full_m, max(abs(lat))) as cell from places
),

cells as (
    -- every point with its grid cell and the site it belongs to
    select
        m.site_id, p.lon, p.lat, grid_x(p.lon, g.cell) as cx, grid_y(p.lat, g.cell) as cy
    from points as p
    cross join grid as g
    left join members as m on m.member_kind = p.kind and m.member_key = p.key
),

probes as (
    -- each place looks into its own and the eight neighbouring cells
    select
        ps.place_id, ps.site_id, pl.lon, pl.lat,
        grid_x(pl.lon, g.cell) + b.dx as cx, grid_y(pl.lat, g.cell) + b.dy as cy
    from places as pl
    inner join place_site as ps using (place_id)
    cross join grid as g
    cross join grid_block() as b
),

other_points as (
    -- a site's own accounts and registrations do not make it less remote; the box test
    -- spares the distance of points in the cells' corners
    select p.place_id, distance_m(p.lon, p.lat, c.lon, c.lat) as d_m
    from probes as p
    cross join grid as g
    inner join cells as c using (cx, cy)
    where c.site_id is distinct from p.site_id
      and abs(c.lat - p.lat) <= g.cell.lat and abs(c.lon - p.lon) <= g.cell.lon
),

place_remote as (
    -- metres to the nearest other account or registration, capped at remote_full_m
    select pl.place_id, least(coalesce(o.d_m, $remote_full_m), $remote_full_m) as nearest_other_m
    from places as pl
    left join (select place_id, min(d_m) as d_m from other_points group by place_id) as o
        using (place_id)
),

visits as (
    select
        s.* exclude (lon, lat),
        l.nearest_permit_m,
        l.nearest_holder,
        coalesce(l.nearest_permit_m <= $licensed_reach_m, false)
            or coalesce(pl.near_fuel_station, false)
            or coalesce(f.has_permit, false) as licensed
    from xhg_truck_site_stays($as_of, $window_days) as s
    inner join places as pl using (place_id)
    left join place_licence as l using (place_id)
    left join site_facts as f using (site_id)
),

site_where as (
    select
        v.site_id,
        min(r.nearest_other_m) as nearest_other_m,
        not any_value(coalesce(f.has_identity, false)) as standalone,
        min(r.nearest_other_m) <= $settled_m or any_value(coalesce(f.has_household, false))
            as settled,
        count(distinct v.plate) as plates_all
    from visits as v
    left join place_remote as r using (place_id)
    left join site_facts as f using (site_id)
    group by v.site_id
),

pairs as (
    select * from xhg_truck_parked($as_of, $window_days, $park_dwell_min, $park_night_share)
),

declared as (
    -- e-waybills naming the site as consignee for goods its own trade uses (LPG to a
    -- restaurant, oxygen to a steel fabricator), over window_days + 1 (temp table made by
    -- detectors.base.install_consigned_waybills)
    select site_id, plate, ship_date, use_label
    from consigned_waybills
    where use_label is not null
),

kept as (
    -- unlicensed sites only; a driver's overnight parking in a village is not counted; a stay
    -- delivering goods the site's trade uses (its waybill dated that day or the day before)
    -- counts declared_use_weight of a visit, a kept parked stay remote_parked_weight
    select v.*, p.parked, d.use_label is not null as declared, d.use_label,
           case when d.use_label is not null then $declared_use_weight
                when p.parked then $remote_parked_weight else 1.0 end as visit_weight
    from visits as v
    inner join pairs as p using (site_id, plate)
    inner join site_where as w using (site_id)
    left join (
        select site_id, plate, ship_date, min(use_label) as use_label
        from declared group by all
    ) as d
        on d.site_id = v.site_id and d.plate = v.plate
        and d.ship_date between v.started_at::date - 1 and v.ended_at::date
    where not v.licensed
      and not (p.parked and w.settled)
      and w.plates_all <= $public_plates
    qualify row_number() over (partition by v.site_id, v.plate, v.started_at
                               order by d.ship_date desc nulls last) = 1
),

cargo as (
    -- waybill cargo of the visiting trucks dated on the visit day or the day before
    select k.site_id, string_agg(distinct w.cargo, '、' order by w.cargo) as cargo
    from kept as k
    inner join waybills as w
        on w.plate = k.plate
        and w.ship_date between k.started_at::date - 1 and k.ended_at::date
    group by k.site_id
),

plate_rank as (
    select site_id, plate, count(*) as n
    from kept
    group by site_id, plate
    qualify row_number() over (partition by site_id order by count(*) desc, plate) <= 3
),

site_stats as (
    select
        site_id,
        count(*) as n_visits,
        count(*) filter (where night) as n_night,
        count(distinct started_at::date) as n_days,
        count(distinct plate) as n_plates,
        median(duration_min) as dwell_min,
        count(*) filter (where parked) as n_parked,
        count(*) filter (where declared) as n_declared,
        string_agg(distinct use_label, '、' order by use_label) as uses,
        avg(visit_weight) as f_weight,
        min(nearest_permit_m) as nearest_permit_m,
        arg_min(nearest_holder, {'d': nearest_permit_m, 'h': nearest_holder}) as nearest_holder,
        min(started_at)::date as first_day,
        max(started_at)::date as last_day
    from kept
    group by site_id
    having count(*) >= $min_visits and count(distinct started_at::date) >= $min_days
),

parts as (
    select
        s.*,
        w.nearest_other_m,
        w.standalone,
        w.plates_all,
        -- a permit holder a little beyond reach may be this very site, geocoded off
        case when s.nearest_permit_m <= $licence_doubt_m then $licence_doubt_factor else 1.0 end
            as f_licence,
        -- repeat: 0 on one day, 1 at full_days
        least((s.n_days - 1) / greatest($full_days - 1, 1), 1.0) as f_repeat,
        s.n_night / s.n_visits as f_night,
        -- unloading scale: full between unload_min and unload_max minutes, less beyond
        case
            when s.dwell_min < $unload_min then s.dwell_min / $unload_min
            when s.dwell_min <= $unload_max then 1.0
            else greatest(0.3, 1 - 0.7 * (s.dwell_min - $unload_max) / $unload_max)
        end as f_dwell,
        greatest(
            least(greatest((w.nearest_other_m - $settled_m) / ($remote_full_m - $settled_m), 0), 1),
            case when w.standalone then $standalone_remote else 0 end) as f_remote,
        -- one truck is weak, a few regular trucks strongest, many trucks a public place
        case
            when s.n_plates = 1 then $one_plate_factor
            when s.n_plates = 2 then (1 + $one_plate_factor) / 2
            when s.n_plates <= $full_plates then 1.0
            else greatest(1 - (s.n_plates - $full_plates) / ($public_plates + 1 - $full_plates), 0)
        end as f_plates
    from site_stats as s
    inner join site_where as w using (site_id)
),

scored as (
    select
        p.*,
        r.roadside_name,
        r.roadside_note,
        -- parked and declared stays count for part of a visit (kept); drivers stop at a
        -- restaurant, a shop or a repair shop on their way
        f_weight * f_licence * f_plates * case when r.site_id is null then 1.0 else $roadside_factor end
            * (0.25 + 0.75 * (0.35 * f_repeat + 0.25 * f_night + 0.2 * f_dwell
                                   + 0.2 * f_remote)) as score
    from parts as p
    left join xhg_roadside_sites($roadside_pattern) as r using (site_id)
)

select
    s.site_id,
    'truck_unlicensed_stop' as detector,
    round(s.score, 3) as score,
    $as_of - ($window_days - 1) as period_start,
    $as_of as period_end,
    -- trucks say what happens, not who works there: a place with no one registered or metered
    -- is a black spot (3); elsewhere the site's make-up decides (scoring)
    case when s.standalone then '3' end as category_hint,
    '近' || $window_days || '天危化品车辆在此停靠 ' || s.n_visits || ' 次（夜间 ' || s.n_night
        || ' 次），分布在 ' || s.n_days || ' 天，涉及 ' || s.n_plates || ' 辆车（'
        || (select string_agg(r.plate, '、' order by r.n desc, r.plate) from plate_rank as r
            where r.site_id = s.site_id)
        || case when s.n_plates > 3 then ' 等' else '' end
        || '），停留时长中位 ' || round(s.dwell_min)::bigint || ' 分钟；'
        || round($licensed_reach_m)::bigint || '米内无有效危化品许可或加油站'
        || case when s.nearest_permit_m <= $licence_doubt_m
            then '（' || round(s.nearest_permit_m)::bigint || ' 米处有持证单位「' || s.nearest_holder
                 || '」，请核实是否同一场所）' else '' end
        || case
            when s.standalone and s.nearest_other_m >= $remote_full_m
                then '；无登记企业或用电户，' || round($remote_full_m)::bigint || '米内无其他住户或企业'
            when s.standalone then '；无登记企业或用电户'
            when s.nearest_other_m >= $remote_full_m
                then '；' || round($remote_full_m)::bigint || '米内无其他住户或企业'
            when s.nearest_other_m > $settled_m
                then '；最近的其他住户或企业在 ' || round(s.nearest_other_m)::bigint || ' 米外'
            else '' end
        || case when s.n_parked > 0
            then '；其中 ' || s.n_parked || ' 次为车辆夜间长时停放（偏僻处停车，权重较低）' else '' end
        || case when s.n_declared > 0
            then '；其中 ' || s.n_declared || ' 次有运单写明送本单位、为其登记行业自用物资（' || s.uses
                 || '），可能为正常送货，权重较低' else '' end
        || coalesce(s.roadside_note, '')
        || coalesce('；到访车辆当日运单货物：' || c.cargo, '；到访车辆当日均无运单') as reason,
    json_object(
        'visits', s.n_visits, 'night_visits', s.n_night, 'days', s.n_days,
        'plates', s.n_plates, 'plates_all', s.plates_all,
        'top_plates', (select list(r.plate order by r.n desc, r.plate) from plate_rank as r
                       where r.site_id = s.site_id),
        'dwell_min_median', round(s.dwell_min, 1), 'parked_visits', s.n_parked,
        'declared_use_visits', s.n_declared,
        'nearest_other_m', round(s.nearest_other_m), 'standalone', s.standalone,
        'nearest_permit_m', round(s.nearest_permit_m), 'nearest_holder', s.nearest_holder,
        'first_day', s.first_day, 'last_day', s.last_day, 'cargo', c.cargo,
        'f_repeat', round(s.f_repeat, 3), 'f_night', round(s.f_night, 3),
        'f_dwell', round(s.f_dwell, 3), 'f_remote', round(s.f_remote, 3),
        'f_plates', round(s.f_plates, 3), 'f_licence', round(s.f_licence, 3),
        'roadside', s.roadside_name
    )::varchar as facts
from scored as s
left join cargo as c using (site_id)
where s.score >= $min_score
order by s.score desc, s.site_id
