-- disguised_name: 生物/科技/新材料-named firms whose 经营范围 or observed behaviour is chemical.
-- Registered by the caller: disguised_name_scope (chem_terms.scope_table).
with

members as (
    select site_id, member_kind, member_key from site_members
),

site_points as (
    select site_id, lon, lat from sites
),

scope_facts as (
    select * from disguised_name_scope
),

named as (
    select m.site_id, r.uscc, r.name, r.status_class, r.scope
    from members as m
    join registry as r on m.member_kind = 'registry' and m.member_key = r.uscc
    join xhg_registry_trades() as t on t.uscc = r.uscc
    where regexp_matches(r.name, $name_pattern)
        and r.status_class in ('active', 'suspended')
        -- registered under a chemical trade code (division 26), or without a code producing
        -- a chemical product by its 经营范围 (混凝土外加剂生产), the firm hides nothing: its
        -- chemistry is chemical_unlicensed's to weigh, not a disguise. (Its name alone does
        -- not declare it: a 涂料科技 firm whose scope is 技术服务 is what the notices mean.)
        and not starts_with(coalesce(t.registered_code, t.scope_code, ''), $open_code_prefix)
),

accounts as (
    select n.site_id, a.account_no, a.tariff_class, a.contract_kva, a.three_phase
    from named as n
    join members as m on m.site_id = n.site_id and m.member_kind = 'power_account'
    join power_accounts as a on a.account_no = m.member_key
),

daily as (
    select account_no, day, kwh_total from power_readings_daily
    where day > $as_of::date - interval ($recent_days) day and day <= $as_of
),

interval_in as (
    select account_no, ts, kwh from power_readings_interval
    where ts >= $as_of::date - interval ($recent_days) day and ts < $as_of::date + interval 1 day
),

waybills_in as (
    select consignee, unload_lon, unload_lat, trim(cargo) as cargo, ship_date from waybills
    where ship_date > $as_of::date - interval ($waybill_days) day and ship_date <= $as_of
),

capacity as (
    select
        site_id,
        max(case
            when tariff_class like '%大工业%' or contract_kva >= $industrial_kva then 1.0
            when three_phase and contract_kva >= 100 then 0.5
            when three_phase then 0.25
            else 0.0 end) as s_capacity,
        string_agg(distinct tariff_class, '、' order by tariff_class) as tariff_classes,
        max(contract_kva) as contract_kva
    from accounts
    group by site_id
),

load as (
    select a.site_id, sum(d.kwh) as kwh_per_day
    from accounts as a
    join (select account_no, avg(kwh_total) as kwh from daily group by account_no) as d using (account_no)
    group by a.site_id
),

-- clock night 22:00–06:00 from interval readings (valley hours are not night)
night as (
    select
        a.site_id,
        sum(i.kwh) filter (where hour(i.ts) >= 22 or hour(i.ts) < 6) / nullif(sum(i.kwh), 0) as night_share
    from accounts as a join interval_in as i using (account_no)
    group by a.site_id
),

known_names as (
    select name from registry
    union
    select holder_name from permits
    union
    select account_name from power_accounts
),

unknown_consignee as (
    select w.*
    from waybills_in as w anti join known_names as k on k.name = w.consignee
    where w.unload_lon is not null and w.unload_lat is not null
),

-- by consignee name; by unload point within reach only when the consignee is no known entity
site_waybills as (
    select n.site_id, w.cargo
    from named as n join waybills_in as w on w.consignee = n.name
    union all
    select n.site_id, w.cargo
    from named as n
    join site_points as p on p.site_id = n.site_id
    join unknown_consignee as w
        on abs(w.unload_lat - p.lat) < 0.01 and abs(w.unload_lon - p.lon) < 0.012
    where 111320 * sqrt(pow(w.unload_lat - p.lat, 2)
            + pow((w.unload_lon - p.lon) * cos(radians(p.lat)), 2)) <= $reach_m
),

deliveries as (
    select
        site_id,
        count(*) as n_deliveries,
        count(*) filter (where cargo not similar to '.*(汽油|柴油).*') as n_chemical,
        string_agg(distinct cargo, '、' order by cargo) as cargo
    from site_waybills
    group by site_id
),

features as (
    select
        n.*,
        coalesce(s.scope_score, 0) as s_scope,
        coalesce(s.service_only, false) as service_only,
        coalesce(s.trade_terms, []) as trade_terms,
        coalesce(s.prod_hazchem, []) || coalesce(s.prod_words, []) as prod_terms,
        coalesce(c.s_capacity, 0) as s_capacity, c.tariff_classes, c.contract_kva,
        l.kwh_per_day,
        least(1.0, greatest(0.0, ln(l.kwh_per_day / $office_kwh) / ln($industrial_kwh / $office_kwh)))
            as s_load,
        g.night_share,
        least(1.0, greatest(0.0, (g.night_share - $day_night_share) / ($full_night_share - $day_night_share)))
            as s_night,
        coalesce(d.n_deliveries, 0) as n_deliveries,
        coalesce(d.n_chemical, 0) as n_chemical, d.cargo,
        -- fuel deliveries alone count half
        1 - pow(0.5, coalesce(d.n_chemical, 0) + 0.5 * (coalesce(d.n_deliveries, 0) - coalesce(d.n_chemical, 0)))
            as s_waybill
    from named as n
    left join scope_facts as s on s.uscc = n.uscc
    left join capacity as c on c.site_id = n.site_id
    left join load as l on l.site_id = n.site_id
    left join night as g on g.site_id = n.site_id
    left join deliveries as d on d.site_id = n.site_id
),

scored as (
    select
        *,
        -- power counts fully only where the scope explains no production at all
        case when service_only then 1.0 else $explained_factor end as power_factor,
        case when service_only and len(trade_terms) > 0 then 1.0 else 0.0 end as s_trade
    from features
),

findings as (
    select
        *,
        1 - (1 - $scope_weight * s_scope)
          * (1 - $trade_weight * s_trade)
          * (1 - power_factor * $capacity_weight * s_capacity)
          * (1 - power_factor * $load_weight * coalesce(s_load, 0))
          * (1 - power_factor * $night_weight * coalesce(s_night, 0))
          * (1 - $waybill_weight * s_waybill) as score
    from scored
)

select
    site_id,
    'disguised_name' as detector,
    round(score, 4) as score,
    ($as_of::date - interval ($recent_days) day)::date as period_start,
    $as_of::date as period_end,
    '5' as category_hint,
    concat_ws('；',
        '名称冠“' || regexp_extract(name, $name_pattern) || '”：' || name,
        case when s_scope > 0 then '经营范围含化工类生产：' || array_to_string(prod_terms, '、') end,
        case when service_only then '经营范围仅为技术开发/服务/销售，无生产项目' end,
        case when s_trade > 0 then '经营范围涉及' || array_to_string(trade_terms, '、') || '销售' end,
        case when power_factor = 1 and s_capacity >= 0.5 then '用电类别 ' || tariff_classes
            || coalesce('，合同容量 ' || format('{:,.0f}', contract_kva) || ' kVA', '') end,
        case when power_factor = 1 and s_load > 0 then '近' || $recent_days || '天日均用电 '
            || format('{:,.0f}', kwh_per_day) || ' kWh' end,
        case when power_factor = 1 and s_night > 0 then '夜间(22–6时)用电占 '
            || format('{:.0f}', 100 * night_share) || '%' end,
        case when n_deliveries > 0 then '近' || $waybill_days || '天有 ' || n_deliveries
            || ' 车次危险货物运至本场所（' || cargo || '）' end
    ) as reason,
    json_object(
        'uscc', uscc, 'scope_score', round(s_scope, 3), 'service_only', service_only,
        'trade_terms', trade_terms, 's_capacity', s_capacity, 'tariff_classes', tariff_classes,
        'contract_kva', contract_kva, 'kwh_per_day', round(kwh_per_day, 1),
        'night_share', round(night_share, 3), 'n_deliveries', n_deliveries, 'cargo', cargo,
        'power_factor', power_factor
    )::varchar as facts
from findings
where score >= $min_score
order by site_id
