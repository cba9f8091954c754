-- consignee_unlicensed: hazardous goods delivered by e-waybill to a site holding no valid
-- permit. Needs the macro xhg_site_waybills and xhg_licensed_sites, xhg_site_identity
-- (detectors/waybill_common.sql).
with

deliveries as (
    select distinct site_id, waybill_no, consignee, cargo, quantity, ship_date, matched_by
    from xhg_site_waybills($as_of, $waybill_days, $reach_m)
    where cargo is not null and cargo <> ''
),

licensed as (
    select site_id from xhg_licensed_sites($as_of)
),

in_trade as (
    -- goods the consignee's registered trade uses itself (a restaurant's LPG, a furniture
    -- maker's thinner): xhg_consigned_waybills
    select site_id, waybill_no, use_label
    from xhg_consigned_waybills($as_of, $waybill_days, $reach_m)
    where use_label is not null
),

kinds as (
    select d.*,
           case when regexp_matches(d.cargo, $fuel_pattern) then 'fuel'
                when regexp_matches(d.cargo, $consumable_pattern) then 'consumable'
                else 'chemical' end as kind,
           t.use_label
    from deliveries as d
    anti join licensed as l using (site_id)
    left join in_trade as t using (site_id, waybill_no)
),

related as (
    -- sites registered for a trade that uses chemicals (a paint shop, a pharmacy wholesaler):
    -- chemicals delivered there may be its trade's; anywhere else they are not
    select distinct m.site_id
    from site_members as m
    join registry as r on m.member_kind = 'registry' and m.member_key = r.uscc
    where m.site_id in (select site_id from kinds)
      and regexp_matches(coalesce(r.scope, '') || coalesce(r.name, ''), $chemical_trade_pattern)
),

weighted as (
    select k.*,
           $per_delivery * case when kind = 'fuel' then $fuel_factor
                                when kind = 'consumable' then $consumable_factor
                                when use_label is not null then 1.0
                                when r.site_id is null then $unrelated_factor
                                else 1.0 end
                         * case when use_label is not null then $in_trade_factor else 1.0 end as w,
           r.site_id is null and use_label is null as unrelated
    from kinds as k left join related as r using (site_id)
),

per_site as (
    select site_id,
           1 - product(1 - w) as score,
           count(*) as n,
           count(*) filter (where kind = 'chemical') as n_chemical,
           count(*) filter (where kind = 'fuel') as n_fuel,
           count(distinct ship_date) as n_days,
           min(ship_date) as first_day,
           max(ship_date) as last_day,
           mode(consignee) as consignee,
           bool_and(matched_by = 'unload_point') as by_point,
           bool_and(unrelated) filter (where kind = 'chemical') as unrelated,
           string_agg(distinct cargo, '、' order by cargo) as cargo,
           string_agg(cargo || coalesce(' ' || quantity, ''), '、' order by ship_date, waybill_no)
               filter (where kind <> 'consumable') as loads,
           string_agg(distinct cargo, '、' order by cargo) filter (where kind = 'consumable') as consumables,
           count(*) filter (where use_label is not null) as n_in_trade,
           string_agg(distinct use_label, '、' order by use_label) as uses
    from weighted
    group by site_id
)

select
    s.site_id,
    'consignee_unlicensed' as detector,
    round(s.score, 3) as score,
    s.first_day as period_start,
    $as_of as period_end,
    case when s.n_fuel > s.n_chemical then '6' else i.who_hint end as category_hint,
    '近' || $waybill_days || '天电子运单有 ' || s.n || ' 车次危险货物运到本场所（'
        || case when s.by_point then '卸货点在本场所 ' || round($reach_m)::bigint || ' 米内，收货人「'
                else '收货人「' end
        || coalesce(s.consignee, '不明') || '」），分布在 ' || s.n_days || ' 天：'
        || coalesce(s.loads, s.cargo)
        || coalesce('（另有常见工业辅料：' || s.consumables || '）', '')
        || case when s.n_in_trade > 0
            then '（其中 ' || s.n_in_trade || ' 车次为本单位登记行业自用的物资：' || s.uses
                 || '，可能为正常使用，权重较低）' else '' end
        || '；本场所无有效危险化学品许可'
        || case when s.unrelated then '，登记经营范围与化学品无关' else '' end as reason,
    json_object('deliveries', s.n, 'chemical', s.n_chemical, 'fuel', s.n_fuel, 'days', s.n_days,
                'consignee', s.consignee, 'by_unload_point', s.by_point, 'cargo', s.cargo,
                'unrelated_trade', s.unrelated, 'in_trade', s.n_in_trade, 'uses', s.uses,
                'first_day', s.first_day, 'last_day', s.last_day)::varchar as facts
from per_site as s
join xhg_site_identity($name_pattern) as i using (site_id)
where s.score >= $min_score
order by s.score desc, s.site_id
