-- shipper_unlicensed: hazardous goods loaded by e-waybill at a site holding no valid permit.
-- Needs the macro xhg_site_shipments and xhg_licensed_sites, xhg_site_identity
-- (detectors/waybill_common.sql).
with

shipments as (
    select distinct site_id, waybill_no, shipper, cargo, ship_date, matched_by
    from xhg_site_shipments($as_of, $waybill_days, $reach_m)
    where cargo is not null and cargo <> ''
),

licensed as (
    select site_id from xhg_licensed_sites($as_of)
),

weighted as (
    select s.*,
           case when regexp_matches(s.cargo, $fuel_pattern) then 'fuel'
                when regexp_matches(s.cargo, $consumable_pattern) then 'consumable'
                else 'chemical' end as kind,
           $per_shipment * case when regexp_matches(s.cargo, $fuel_pattern) then $fuel_factor
                                when regexp_matches(s.cargo, $consumable_pattern) then $consumable_factor
                                else 1.0 end as w
    from shipments as s
    anti join licensed as l using (site_id)
),

-- what left the site, by cargo: a plant ships hundreds of loads a month
cargo_counts as (
    select site_id, kind, cargo, count(*) as n
    from weighted
    group by all
),

cargo_lists as (
    select site_id,
           string_agg(cargo || ' ' || n || ' 车次', '、' order by n desc, cargo)
               filter (where kind <> 'consumable') as goods,
           string_agg(cargo || ' ' || n || ' 车次', '、' order by n desc, cargo)
               filter (where kind = 'consumable') as consumables
    from cargo_counts
    group by site_id
),

per_site as (
    select site_id,
           1 - product(1 - w) as score,
           count(*) as n,
           count(*) filter (where kind = 'chemical') as n_chemical,
           count(*) filter (where kind = 'fuel') as n_fuel,
           count(distinct ship_date) as n_days,
           min(ship_date) as first_day,
           mode(shipper) as shipper,
           bool_and(matched_by = 'load_point') as by_point,
           string_agg(distinct cargo, '、' order by cargo) as cargo
    from weighted
    group by site_id
)

select
    s.site_id,
    'shipper_unlicensed' as detector,
    round(s.score, 3) as score,
    s.first_day as period_start,
    $as_of as period_end,
    case when s.n_fuel > s.n_chemical then '6' else i.who_hint end as category_hint,
    '近' || $waybill_days || '天电子运单有 ' || s.n || ' 车次危险货物从本场所装车发出（'
        || case when s.by_point then '装货点在本场所 ' || round($reach_m)::bigint || ' 米内，托运人「'
                else '托运人「' end
        || coalesce(s.shipper, '不明') || '」），分布在 ' || s.n_days || ' 天：'
        || concat_ws('；', c.goods, '气瓶、酸碱等常见辅料 ' || c.consumables)
        || '；本场所无有效危险化学品许可，发货说明货在此处生产或储存' as reason,
    json_object('shipments', s.n, 'chemical', s.n_chemical, 'fuel', s.n_fuel, 'days', s.n_days,
                'shipper', s.shipper, 'by_load_point', s.by_point, 'cargo', s.cargo,
                'first_day', s.first_day)::varchar as facts
from per_site as s
join xhg_site_identity($name_pattern) as i using (site_id)
join cargo_lists as c using (site_id)
where s.score >= $min_score
order by s.score desc, s.site_id
