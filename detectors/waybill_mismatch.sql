-- waybill_mismatch: truck stays at unloading scale that no e-waybill of that truck explains.
-- Window: stays starting in days (as_of - window_days, as_of].
with


places as (
    -- near_fuel_station: sites.places' hook for a fuel-station source besides the permits
    select place_id, lon, lat, near_fuel_station from truck_places
),

members as (
    -- addresses are compared without blanks and without the province / city / county prefix
    select
        site_id, member_kind, member_key, member_name,
        nullif(regexp_replace(
            regexp_replace(member_address, '\s', '', 'g'), $region_prefix, ''), '') as member_addr
    from site_members
    where site_id in (select site_id from site_members where member_kind = 'truck_place')
),

permits as (
    -- an expired permit is no permit
    select permit_no, holder_name, address, lon, lat
    from permits
    where valid_until >= $as_of
),

registry as (
    select name, address, lon, lat from registry
),

accounts as (
    select account_name, address, lon, lat from power_accounts
),

waybills as (
    select
        waybill_no, plate, ship_date, shipper, consignee, load_address, unload_address, cargo,
        load_lon, load_lat, unload_lon, unload_lat
    from waybills
    where ship_date >= $as_of - ($window_days + $waybill_days_before)
),

-- the county's named points: a waybill party or address without coordinates is placed here
parties as (
    select name, address, lon, lat from registry where lon is not null
    union all
    select holder_name, address, lon, lat from permits where lon is not null
    union all
    select account_name, address, lon, lat from accounts where lon is not null
),



place_site as (
    select member_key as place_id, site_id from members where member_kind = 'truck_place'
),

place_licence as (
    -- a licence that explains every stay at the place: a fuel station near (trucks refuel
    -- there: sites.places), or a permit of the site itself (its own deliveries)
    select place_id from places where near_fuel_station
    union
    select ps.place_id
    from place_site as ps
    inner join members as m on m.site_id = ps.site_id and m.member_kind = 'permit'
    inner join permits as p on p.permit_no = m.member_key
),

place_neighbour as (
    -- another holder's valid permit within reach: it explains a stay whose truck's waybill
    -- names it (an end within match_m) or that carries none (come empty, to load), not goods
    -- declared to a consignee elsewhere — those were delivered under another firm's name
    select place_id, arg_min(holder_name, {'d': d_m, 'p': permit_no}) as neighbour
    from xhg_place_permits($as_of, $licensed_reach_m)
    group by place_id
),

visits as (
    select s.*, l.place_id is not null as licensed, n.neighbour
    from xhg_truck_site_stays($as_of, $window_days) as s
    left join place_licence as l using (place_id)
    left join place_neighbour as n using (place_id)
),

pairs as (
    select * from xhg_truck_parked($as_of, $window_days, $park_dwell_min, $park_night_share)
),

site_plates as (
    select site_id, count(distinct plate) as plates_all from visits group by site_id
),

candidates as (
    -- unloading-scale stays at sites no licence explains, not a driver's parking, not a
    -- public place
    select v.*
    from visits as v
    inner join pairs as p using (site_id, plate)
    inner join site_plates as sp using (site_id)
    where not v.licensed
      and not p.parked
      and sp.plates_all <= $public_plates
      and v.duration_min between $min_dwell_min and $max_dwell_min
),

waybill_ends as (
    -- both ends of each waybill, the address compared without blanks and region prefix
    select
        w.waybill_no, w.plate, w.ship_date, w.cargo, e.side, e.party, e.addr, e.lon, e.lat,
        nullif(regexp_replace(regexp_replace(e.addr, '\s', '', 'g'), $region_prefix, ''), '')
            as addr_norm
    from waybills as w
    cross join lateral (
        select 'load' as side, w.shipper as party, w.load_address as addr,
               w.load_lon as lon, w.load_lat as lat
        union all
        select 'unload', w.consignee, w.unload_address, w.unload_lon, w.unload_lat
    ) as e
),

party_by_name as (
    -- the point of the registration, permit or account named as a waybill's party
    select name, avg(lon) as lon, avg(lat) as lat
    from parties
    where name in (select party from waybill_ends)
    group by name
),

parties_by_text as (
    select
        replace(replace(address, ' ', ''), '　', '') as addr_nb,
        right(replace(replace(address, ' ', ''), '　', ''), 4) as tail,  -- a hash key
        lon, lat
    from parties
    where address is not null
),

party_by_address as (
    -- the point of a registration, permit or account at a waybill's address: its address
    -- ends with the waybill's, and what precedes is only province / city / county (no
    -- regular expression over every record in the county: only over the matching few)
    select a.addr_norm as addr, avg(p.lon) as lon, avg(p.lat) as lat
    from (select distinct addr_norm from waybill_ends where addr_norm is not null) as a
    inner join parties_by_text as p
        on p.tail = right(a.addr_norm, 4)
        and ends_with(p.addr_nb, a.addr_norm)
        and regexp_full_match(left(p.addr_nb, length(p.addr_nb) - length(a.addr_norm)),
                              $region_prefix)
    group by a.addr_norm
),

ends as (
    -- each end placed by its coordinates, else by the party's or the address's point
    select
        e.waybill_no, e.plate, e.ship_date, e.cargo, e.side, e.party, e.addr, e.addr_norm,
        coalesce(e.lon, n.lon, a.lon) as lon,
        coalesce(e.lat, n.lat, a.lat) as lat
    from waybill_ends as e
    left join party_by_name as n on n.name = e.party
    left join party_by_address as a on a.addr = e.addr_norm
),

stay_ends as (
    -- the truck's waybills dated on the stay's days (or the day before: a night delivery)
    select
        c.stay_id,
        e.*,
        distance_m(c.lon, c.lat, e.lon, e.lat) as d_m,
        exists (
            select 1 from members as m
            where m.site_id = c.site_id
              and (m.member_name = e.party
                   or m.member_addr = e.addr_norm)
        ) as names_site
    from candidates as c
    inner join ends as e
        on e.plate = c.plate
        and e.ship_date between c.started_at::date - $waybill_days_before and c.ended_at::date
),

stay_verdict as (
    select
        stay_id,
        count(*) as n_ends,
        bool_or(names_site or d_m < $match_m) as matched,
        -- the declared consignee: the nearest located unload end, else the first waybill's
        -- (ties broken by waybill number: the same end on every run and every shard)
        arg_min(party, {'d': coalesce(d_m, 1e12), 'w': waybill_no}) filter (where side = 'unload')
            as consignee,
        arg_min(addr, {'d': coalesce(d_m, 1e12), 'w': waybill_no}) filter (where side = 'unload')
            as unload_addr,
        min(d_m) filter (where side = 'unload') as unload_m,
        list(distinct cargo) filter (where side = 'unload') as cargo
    from stay_ends
    group by stay_id
),

mismatches as (
    select
        c.site_id, c.stay_id, c.plate, c.started_at, c.duration_min, c.night, c.neighbour,
        v.consignee, v.unload_addr, v.unload_m, v.cargo,
        case
            when v.stay_id is null then 'no_waybill'
            when v.unload_m is not null then 'elsewhere'
            else 'unlocated'
        end as kind
    from candidates as c
    left join stay_verdict as v using (stay_id)
    where not coalesce(v.matched, false)
      -- a truck without a waybill beside a licensed neighbour came to load there
      and not (c.neighbour is not null and v.stay_id is null)
),

weighted as (
    select
        *,
        case kind when 'elsewhere' then 1.0 when 'no_waybill' then $no_waybill_weight
                  else $unlocated_weight end
            * case when neighbour is null then 1.0 else $neighbour_factor end as weight
    from mismatches
),

site_candidates as (
    select site_id, count(*) as n_candidates from candidates group by site_id
),

top_consignee as (
    -- the consignee most often declared by located, distant waybills
    select site_id, consignee, median(unload_m) as unload_m, count(*) as n
    from weighted
    where kind = 'elsewhere'
    group by site_id, consignee
    qualify row_number() over (partition by site_id order by count(*) desc, consignee) = 1
),

top_unlocated as (
    select site_id, unload_addr, count(*) as n
    from weighted
    where kind = 'unlocated'
    group by site_id, unload_addr
    qualify row_number() over (partition by site_id order by count(*) desc, unload_addr) = 1
),

plate_rank as (
    select site_id, plate, count(*) as n
    from weighted
    group by site_id, plate
    qualify row_number() over (partition by site_id order by count(*) desc, plate) <= 3
),

site_stats as (
    select
        w.site_id,
        count(*) as n_stays,
        count(*) filter (where night) as n_night,
        count(distinct started_at::date) as n_days,
        count(distinct plate) as n_plates,
        count(*) filter (where kind = 'elsewhere') as n_elsewhere,
        count(*) filter (where kind = 'no_waybill') as n_no_waybill,
        count(*) filter (where kind = 'unlocated') as n_unlocated,
        count(*) filter (where neighbour is not null) as n_neighbour,
        min(neighbour) as neighbour,
        -- rounded far below what is shown: a sum's order (threads) moves the last bits, and
        -- 0.6625 ± 1e-16 would show as 0.662 on one run and 0.663 on another
        round(avg(weight), 9) as weight,
        median(duration_min) as dwell_min,
        nullif(array_to_string(list_sort(list_distinct(flatten(list(cargo)))), '、'), '') as cargo,
        min(started_at)::date as first_day,
        max(started_at)::date as last_day
    from weighted as w
    group by w.site_id
),

scored as (
    select
        s.*,
        c.n_candidates,
        p.plates_all,
        least((s.n_days - 1) / greatest($full_days - 1, 1), 1.0) as f_repeat,
        -- one stay at night is half the evidence of two
        s.n_night / greatest(s.n_stays, 2) as f_night,
        s.n_stays / c.n_candidates as f_share,
        -- a second and third truck confirm the pattern
        least((s.n_plates - 1) / 2, 1.0) as f_plates,
        -- many trucks of every kind: a public place on the trucks' route
        case when p.plates_all <= $full_plates then 1.0
             else greatest(1 - (p.plates_all - $full_plates) / ($public_plates + 1 - $full_plates), 0)
        end as f_public
    from site_stats as s
    inner join site_candidates as c using (site_id)
    inner join site_plates as p using (site_id)
),

final as (
    select
        s.*,
        r.roadside_name,
        r.roadside_note,
        -- drivers stop at a restaurant, a shop or a repair shop on their way
        weight * (0.5 + 0.5 * f_share) * f_public
            * case when r.site_id is null then 1.0 else $roadside_factor end
            * (0.2 + 0.8 * (0.5 * f_repeat + 0.2 * f_plates + 0.3 * f_night)) as score
    from scored as s
    left join xhg_roadside_sites($roadside_pattern) as r using (site_id)
)

select
    f.site_id,
    'waybill_mismatch' as detector,
    round(f.score, 3) as score,
    $as_of - ($window_days - 1) as period_start,
    $as_of as period_end,
    null as category_hint,
    '近' || $window_days || '天危化品车辆在此停留 ' || f.n_stays || ' 次与运单不符（夜间 '
        || f.n_night || ' 次，' || f.n_days || ' 天，' || f.n_plates || ' 辆车：'
        || (select string_agg(r.plate, '、' order by r.n desc, r.plate) from plate_rank as r
            where r.site_id = f.site_id)
        || case when f.n_plates > 3 then ' 等' else '' end
        || '，停留时长中位 ' || round(f.dwell_min)::bigint || ' 分钟）'
        || case when f.n_elsewhere > 0
            then '；' || f.n_elsewhere || ' 次运单收货人为「' || coalesce(t.consignee, '未填')
                 || '」等，申报卸货点距此 ' || format('{:.1f}', t.unload_m / 1000) || ' 公里'
            else '' end
        || case when f.n_unlocated > 0
            then '；' || f.n_unlocated || ' 次运单卸货地为「' || coalesce(u.unload_addr, '未填')
                 || '」等，不在此处' else '' end
        || case when f.n_no_waybill > 0
            then '；' || f.n_no_waybill || ' 次当日无运单' else '' end
        || case when f.n_neighbour > 0
            then '；其中 ' || f.n_neighbour || ' 次停在持证单位「' || f.neighbour || '」'
                 || $licensed_reach_m::integer || ' 米内，但运单未写明该单位（以他人名义送货或卸货）'
            else '' end
        || coalesce(f.roadside_note, '')
        || coalesce('；运单货物：' || f.cargo, '') as reason,
    json_object(
        'mismatched_stays', f.n_stays, 'candidate_stays', f.n_candidates,
        'night_stays', f.n_night, 'days', f.n_days, 'plates', f.n_plates,
        'plates_all', f.plates_all,
        'top_plates', (select list(r.plate order by r.n desc, r.plate) from plate_rank as r
                       where r.site_id = f.site_id),
        'declared_elsewhere', f.n_elsewhere, 'no_waybill', f.n_no_waybill,
        'unlocated', f.n_unlocated, 'beside_licensed', f.n_neighbour,
        'licensed_neighbour', f.neighbour, 'top_consignee', t.consignee,
        'consignee_m', round(t.unload_m), 'top_unload_address', u.unload_addr,
        'dwell_min_median', round(f.dwell_min, 1), 'cargo', f.cargo,
        'first_day', f.first_day, 'last_day', f.last_day,
        'f_repeat', round(f.f_repeat, 3), 'f_night', round(f.f_night, 3),
        'f_share', round(f.f_share, 3), 'f_plates', round(f.f_plates, 3),
        'f_public', round(f.f_public, 3),
        'weight', round(f.weight, 3), 'roadside', f.roadside_name
    )::varchar as facts
from final as f
left join top_consignee as t using (site_id)
left join top_unlocated as u using (site_id)
where f.score >= $min_score
order by f.score desc, f.site_id
