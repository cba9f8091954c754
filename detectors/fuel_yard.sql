-- fuel_yard: petrol and diesel tankers stopping repeatedly where no fuel licence is.
-- Window: stays starting in days (as_of - window_days, as_of]; tankers are known from their
-- waybills over tanker_lookback_days.
with


places as (
    -- near_fuel_station: sites.places' hook for a fuel-station source besides the permits
    select place_id, lon, lat, near_fuel_station from truck_places
),

members as (
    select site_id, member_kind, member_key, member_name from site_members
),

permits as (
    -- an expired permit is no permit; a fuel permit trades (经营) in petrol or diesel
    select
        permit_no, lon, lat,
        regexp_matches(concat_ws(' ', permit_type, scope), $fuel_pattern)
            and contains(coalesce(permit_type, ''), '经营') as fuel
    from permits
    where valid_until >= $as_of
),

waybills as (
    select plate, ship_date, consignee, unload_lon, unload_lat, cargo
    from waybills
    where ship_date > $as_of - $tanker_lookback_days and ship_date <= $as_of
      and cargo is not null
),

tankers as (
    -- trucks that carried petrol or diesel; the share tells a tanker from a mixed carrier
    select
        plate,
        count(*) filter (where regexp_matches(cargo, $fuel_pattern)) as n_fuel,
        count(*) as n_all,
        string_agg(distinct cargo, '、' order by cargo)
            filter (where regexp_matches(cargo, $fuel_pattern)) as fuel_cargo
    from waybills
    group by plate
    having count(*) filter (where regexp_matches(cargo, $fuel_pattern)) > 0
),

place_site as (
    select member_key as place_id, site_id from members where member_kind = 'truck_place'
),

place_licence as (
    -- the valid permits within licence_doubt_m of a place (truck_common.sql)
    select
        n.place_id,
        min(n.d_m) filter (where p.fuel) as fuel_m,
        bool_or(not p.fuel) as near_other
    from xhg_place_permits($as_of, $licence_doubt_m) as n
    inner join permits as p using (permit_no)
    group by n.place_id
),

site_licence as (
    -- (permits above are the valid ones: has_other = the site is a licensed chemical firm)
    select m.site_id, bool_or(p.fuel) as has_fuel, bool_or(not p.fuel) as has_other
    from members as m
    inner join permits as p on m.member_kind = 'permit' and p.permit_no = m.member_key
    group by m.site_id
),

visits as (
    select
        s.* exclude (lon, lat),
        coalesce(l.fuel_m <= $licensed_reach_m, false) or coalesce(sl.has_fuel, false)
            or coalesce(pl.near_fuel_station, false) as fuel_licensed,
        -- a fuel permit a little beyond reach may be this very station, geocoded off
        l.fuel_m as fuel_permit_m,
        coalesce(l.near_other, false) or coalesce(sl.has_other, false) as other_licensed,
        coalesce(sl.has_other, false) as own_permit
    from xhg_truck_site_stays($as_of, $window_days) as s
    inner join places as pl using (place_id)
    left join place_licence as l using (place_id)
    left join site_licence as sl using (site_id)
),

pairs as (
    select * from xhg_truck_parked($as_of, $window_days, $park_dwell_min, $park_night_share)
),

site_plates as (
    select site_id, count(distinct plate) as plates_all from visits group by site_id
),

tanker_visits as (
    -- unloading-scale stays of tankers at sites without a fuel licence, not public places
    select
        v.*,
        t.n_fuel / t.n_all as fuel_share,
        t.fuel_cargo,
        exists (
            select 1 from waybills as w
            where w.plate = v.plate and regexp_matches(w.cargo, $fuel_pattern)
              and w.ship_date between v.started_at::date - 1 and v.ended_at::date
        ) as fuel_that_day,
        -- the truck's waybill that day consigns other goods to this very site (lye to a
        -- detergent maker): the stay is that delivery, not fuel
        exists (
            select 1 from consigned_waybills as c
            where c.site_id = v.site_id and c.plate = v.plate
              and not regexp_matches(c.cargo, $fuel_pattern)
              and c.ship_date between v.started_at::date - 1 and v.ended_at::date
        ) as other_goods_here
    from visits as v
    inner join tankers as t using (plate)
    inner join pairs as p using (site_id, plate)
    inner join site_plates as sp using (site_id)
    where not v.fuel_licensed
      and not p.parked
      and sp.plates_all <= $public_plates
      and v.duration_min between $min_dwell_min and $max_dwell_min
      and not other_goods_here
),

consigned as (
    -- fuel waybills declaring this site (a member's name, or its place) as the consignee (the
    -- reason names one of them: the first by name, the same in every run)
    select ps.site_id, min(w.consignee) as consignee, count(*) as n
    from waybills as w
    inner join places as pl
        on w.unload_lon is not null
        and distance_m(pl.lon, pl.lat, w.unload_lon, w.unload_lat) <= $licensed_reach_m
    inner join place_site as ps using (place_id)
    where regexp_matches(w.cargo, $fuel_pattern)
    group by ps.site_id
    union all
    select m.site_id, min(w.consignee), count(*)
    from waybills as w
    inner join members as m on m.member_name = w.consignee and m.member_kind <> 'truck_place'
    where regexp_matches(w.cargo, $fuel_pattern)
    group by m.site_id
),

consigned_site as (
    select site_id, first(consignee order by n desc, consignee) as consignee, max(n) as n
    from consigned
    group by site_id
),

self_use as (
    -- diesel consigned to a trade that runs machines on it (brick works, quarries, concrete):
    -- its own use, no trade; fleets (物流, 农机) are not among them (temp table made over
    -- tanker_lookback_days by detectors.base.install_consigned_waybills)
    select distinct site_id
    from consigned_waybills
    where use_label = '机械用油'
),

plate_rank as (
    select site_id, plate, count(*) as n
    from tanker_visits
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
        avg(fuel_share) as fuel_share,
        count(*) filter (where fuel_that_day) as n_fuel_day,
        bool_or(other_licensed) as other_licensed,
        bool_or(own_permit) as own_permit,
        min(fuel_permit_m) as fuel_permit_m,
        string_agg(distinct fuel_cargo, '、' order by fuel_cargo) as fuel_cargo,
        min(started_at)::date as first_day,
        max(started_at)::date as last_day
    from tanker_visits
    group by site_id
    having count(*) >= $min_visits and count(distinct started_at::date) >= $min_days
),

parts as (
    select
        s.*,
        c.consignee,
        coalesce(c.n, 0) as n_consigned,
        u.site_id is not null as self_use,
        sp.plates_all,
        -- many trucks of every kind: a restaurant or a car park on the tankers' route
        case when sp.plates_all <= $full_plates then 1.0
             else greatest(1 - (sp.plates_all - $full_plates) / ($public_plates + 1 - $full_plates), 0)
        end as f_public,
        least((s.n_days - 1) / greatest($full_days - 1, 1), 1.0) as f_repeat,
        case when s.n_plates = 1 then 0.6 when s.n_plates = 2 then 0.85 else 1.0 end as f_plates,
        case
            when s.dwell_min < $unload_min then s.dwell_min / $unload_min
            when s.dwell_min <= $unload_max then 1.0
            else 0.6
        end as f_dwell,
        -- a fuel waybill on the day of the stay, or fuel consigned to this very site
        greatest(s.n_fuel_day / s.n_visits, (c.n is not null)::int) as f_fuel
    from site_stats as s
    inner join site_plates as sp using (site_id)
    left join consigned_site as c using (site_id)
    left join self_use as u using (site_id)
    -- at a licensed chemical plant, carriers that also haul fuel bring its chemicals: only a
    -- stay on a day the truck carried fuel, or fuel consigned to the plant, says fuel
    where not (s.own_permit and s.n_fuel_day = 0 and c.n is null)
),

scored as (
    select
        *,
        (0.3 + 0.7 * (0.4 * f_repeat + 0.25 * f_plates + 0.15 * f_dwell + 0.2 * f_fuel))
            * (0.5 + 0.5 * fuel_share) * f_public
            * case when other_licensed then $other_permit_factor else 1 end
            * case when fuel_permit_m is not null then $licence_doubt_factor else 1 end
            * case when self_use then $self_use_factor else 1 end as score
    from parts
)

select
    s.site_id,
    'fuel_yard' as detector,
    round(s.score, 3) as score,
    $as_of - ($window_days - 1) as period_start,
    $as_of as period_end,
    '6' as category_hint,
    '近' || $window_days || '天运油车辆（运单载有' || s.fuel_cargo || '）在此停靠 ' || s.n_visits
        || ' 次（夜间 ' || s.n_night || ' 次），分布在 ' || s.n_days || ' 天，涉及 ' || s.n_plates
        || ' 辆车（'
        || (select string_agg(r.plate, '、' order by r.n desc, r.plate) from plate_rank as r
            where r.site_id = s.site_id)
        || case when s.n_plates > 3 then ' 等' else '' end
        || '），停留时长中位 ' || round(s.dwell_min)::bigint || ' 分钟；'
        || round($licensed_reach_m)::bigint || '米内无有效成品油经营许可（加油站）'
        || case when s.n_fuel_day > 0
            then '；其中 ' || s.n_fuel_day || ' 次当日运单载油' else '' end
        || case when s.n_consigned > 0
            then '；' || s.n_consigned || ' 张运油运单收货人为本场所「' || s.consignee || '」'
            else '' end
        || '；这些车辆运单中运油占 ' || format('{:.0f}', 100 * s.fuel_share) || '%'
        || case when s.fuel_permit_m is not null
            then '（' || round(s.fuel_permit_m)::bigint || ' 米处有加油站许可，请核实是否同一场所）'
            else '' end
        || case when s.other_licensed then '；附近有其他危化品许可单位' else '' end
        || case when s.self_use
            then '；运单收货人为本单位，登记行业（砖瓦、建材、砂石等）自用柴油，可能为自用，权重较低' else '' end
        || case when s.plates_all > $full_plates
            then '；共有 ' || s.plates_all || ' 辆危化品车辆在此停靠，可能为路边饭店或停车场' else '' end
            as reason,
    json_object(
        'visits', s.n_visits, 'night_visits', s.n_night, 'days', s.n_days,
        'tankers', s.n_plates, 'plates_all', s.plates_all,
        'top_plates', (select list(r.plate order by r.n desc, r.plate) from plate_rank as r
                       where r.site_id = s.site_id),
        'dwell_min_median', round(s.dwell_min, 1), 'fuel_share', round(s.fuel_share, 3),
        'fuel_waybill_days', s.n_fuel_day, 'consigned_waybills', s.n_consigned,
        'consignee', s.consignee, 'other_permit_near', s.other_licensed, 'self_use', s.self_use,
        'fuel_permit_m', round(s.fuel_permit_m),
        'first_day', s.first_day, 'last_day', s.last_day,
        'f_repeat', round(s.f_repeat, 3), 'f_plates', round(s.f_plates, 3),
        'f_dwell', round(s.f_dwell, 3), 'f_fuel', round(s.f_fuel, 3),
        'f_public', round(s.f_public, 3)
    )::varchar as facts
from scored as s
where s.score >= $min_score
order by s.score desc, s.site_id
