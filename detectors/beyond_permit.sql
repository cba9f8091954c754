-- beyond_permit: licensed sites whose power grows far past their own history, whose waybills
-- carry chemicals outside the permit scope (inbound: feedstock or a new line; outbound: a
-- product the permit does not name), any cargo to a permit without storage, or whose permit
-- lapsed while deliveries and load go on.
-- Registered by the caller: beyond_permit_aliases (term, chem_key).
with

members as (
    select site_id, member_kind, member_key from site_members
),

site_points as (
    select site_id, name, lon, lat from sites
),

aliases as (
    select term, chem_key from beyond_permit_aliases
),

permits_in as (
    select permit_no, holder_name, uscc, permit_type, scope, valid_until from permits
),

-- the days the power levels read: the recent window with the history before it, and the same
-- weeks a year ago; plain date ranges, so the lake's row groups are pruned by day statistics
readings as (
    select account_no, day, kwh_total from power_readings_daily
    where day > ($as_of::date - interval ($recent_days + $history_days) day)::date and day <= $as_of
      and day > ($as_of::date - interval (365 + $recent_days) day)::date
    union all
    select account_no, day, kwh_total from power_readings_daily
    where day > ($as_of::date - interval (365 + $recent_days) day)::date
      and day <= ($as_of::date - interval 365 day)::date
      and day <= ($as_of::date - interval ($recent_days + $history_days) day)::date
),

waybills_in as (
    select waybill_no, shipper, consignee, load_address, load_lon, load_lat,
        unload_address, unload_lon, unload_lat, cargo, ship_date
    from waybills
    where ship_date > $as_of::date - interval ($waybill_days) day and ship_date <= $as_of
),

site_permits as (
    select m.site_id, p.*
    from members as m join permits_in as p on m.member_kind = 'permit' and m.member_key = p.permit_no
    union
    select m.site_id, p.*
    from members as m join permits_in as p on m.member_kind = 'registry' and m.member_key = p.uscc
),

-- sites holding a permit now, or whose last permit lapsed within $lapsed_days
licensed as (
    select
        site_id,
        bool_or(valid_until >= $as_of) as has_valid,
        max(valid_until) as last_valid_until,
        string_agg(distinct permit_no, '、' order by permit_no) filter (where valid_until >= $as_of) as permit_nos,
        string_agg(distinct permit_type, '、' order by permit_type) filter (where valid_until >= $as_of) as permit_types,
        string_agg(distinct scope, '、' order by scope) filter (where valid_until >= $as_of) as permit_scope,
        coalesce(bool_and(permit_type like '%不带储存%') filter (where valid_until >= $as_of), false)
            as trading_only,
        -- the last lapsed permit (ties by number: type and scope of one permit)
        arg_max(permit_type, {'v': valid_until, 'p': permit_no}) as lapsed_type,
        arg_max(scope, {'v': valid_until, 'p': permit_no}) as lapsed_scope
    from site_permits
    group by site_id
    having max(valid_until) >= $as_of::date - interval ($lapsed_days) day
),

-- the holder's valid permits, this site's and its other plants': a firm licensed for a
-- chemical at one plant moves it between its plants without working beyond its permits
holders as (
    select distinct s.site_id, s.holder_name, s.uscc
    from site_permits as s semi join licensed as l using (site_id)
),

-- the same firm: the same credit code, or the same name where either permit lacks a code (two
-- codes under one name are two firms)
holder_scopes as (
    select h.site_id, p.scope from holders as h
    join permits_in as p on p.holder_name = h.holder_name
    where p.valid_until >= $as_of and (h.uscc is null or p.uscc is null or p.uscc = h.uscc)
    union
    select h.site_id, p.scope from holders as h
    join permits_in as p on p.uscc = h.uscc where p.valid_until >= $as_of
),

-- permitted chemicals as comparison keys (溶液 dropped, aliases folded)
scope_items as (
    select h.site_id, trim(item) as item
    from holder_scopes as h, unnest(regexp_split_to_array(coalesce(h.scope, ''), '[、,，;；/\s]+')) as t(item)
    where trim(item) <> ''
),

scope_keys as (
    select s.site_id, s.item, coalesce(a.chem_key, regexp_replace(s.item, '溶液$', '')) as chem_key
    from scope_items as s left join aliases as a on a.term = s.item
),

-- site names: registrations, permit holders, account names
site_names as (
    select m.site_id, r.name from members as m join registry as r
        on m.member_kind = 'registry' and m.member_key = r.uscc
    union
    select site_id, holder_name from site_permits
    union
    select m.site_id, a.account_name from members as m join power_accounts as a
        on m.member_kind = 'power_account' and m.member_key = a.account_no
),

-- every name the warehouse knows: a consignee named so belongs to that entity, not to a neighbour
known_names as (
    select name from registry
    union
    select holder_name from permits_in
    union
    select account_name from power_accounts
),

licensed_points as (
    select p.site_id, p.lon, p.lat
    from site_points as p semi join licensed as l using (site_id)
    where p.lon is not null and p.lat is not null
),

unknown_consignee as (
    select w.*
    from waybills_in as w anti join known_names as k on k.name = w.consignee
    where w.unload_lon is not null and w.unload_lat is not null
),

-- a waybill belongs to a licensed site by consignee name; or, when its consignee is no known
-- entity, by its unload point lying within reach
deliveries as (
    select distinct n.site_id, w.waybill_no, trim(w.cargo) as cargo, w.ship_date
    from waybills_in as w
    join site_names as n on n.name = w.consignee
    join licensed as l on l.site_id = n.site_id
    union
    select distinct p.site_id, w.waybill_no, trim(w.cargo) as cargo, w.ship_date
    from unknown_consignee as w
    join licensed_points as p
        on abs(w.unload_lat - p.lat) < 0.01 and abs(w.unload_lon - p.lon) < 0.012
    where distance_m(p.lon, p.lat, w.unload_lon, w.unload_lat) <= $reach_m
),

-- a waybill ships from a licensed site when its shipper is a name of the site and it was
-- loaded there (load point within reach, else the same address, blanks ignored), or when its
-- shipper is no known entity and its load point lies within reach; a shipper's name alone
-- says nothing (traders consign goods loaded anywhere), nor does a neighbour's loading bay
site_addresses as (
    select site_id, regexp_replace(address, '\s', '', 'g') as address from sites
    where address is not null
),

shipments as (
    select distinct n.site_id, w.waybill_no, trim(w.cargo) as cargo, w.ship_date
    from waybills_in as w
    join site_names as n on n.name = w.shipper
    join licensed as l on l.site_id = n.site_id
    left join licensed_points as p on p.site_id = n.site_id
    left join site_addresses as a on a.site_id = n.site_id
    where (w.load_lon is not null and p.lon is not null
            and distance_m(p.lon, p.lat, w.load_lon, w.load_lat) <= $reach_m)
        or ((w.load_lon is null or p.lon is null)
            and regexp_replace(w.load_address, '\s', '', 'g') = a.address)
    union
    select distinct p.site_id, w.waybill_no, trim(w.cargo) as cargo, w.ship_date
    from waybills_in as w
    anti join known_names as k on k.name = w.shipper
    join licensed_points as p
        on abs(w.load_lat - p.lat) < 0.01 and abs(w.load_lon - p.lon) < 0.012
    where distance_m(p.lon, p.lat, w.load_lon, w.load_lat) <= $reach_m
),

-- inbound and outbound cargo as comparison keys; a plant's hazardous waste (废矿物油, 废酸 …)
-- leaving for disposal is no product
cargo_keys as (
    select d.site_id, 'in' as direction, d.waybill_no, d.cargo, d.ship_date,
        coalesce(a.chem_key, regexp_replace(d.cargo, '溶液$', '')) as chem_key
    from deliveries as d left join aliases as a on a.term = d.cargo
    union all
    select d.site_id, 'out', d.waybill_no, d.cargo, d.ship_date,
        coalesce(a.chem_key, regexp_replace(d.cargo, '溶液$', ''))
    from shipments as d left join aliases as a on a.term = d.cargo
    where not starts_with(d.cargo, '废')
),

off_scope as (
    select d.site_id, d.direction, d.cargo, count(*) as n,
        min(d.ship_date) as first_day, max(d.ship_date) as last_day
    from cargo_keys as d
    where not exists (
        select 1 from scope_keys as k
        where k.site_id = d.site_id
            and (k.chem_key = d.chem_key or contains(k.item, d.cargo) or contains(d.cargo, k.item))
    )
    group by d.site_id, d.direction, d.cargo
),

waybill_facts as (
    select
        l.site_id,
        coalesce(sum(o.n) filter (where o.direction = 'in'), 0) as n_off_scope,
        string_agg(o.cargo || ' ' || o.n || ' 车次', '、' order by o.n desc, o.cargo)
            filter (where o.direction = 'in') as off_scope_cargo,
        coalesce(sum(o.n) filter (where o.direction = 'out'), 0) as n_off_products,
        string_agg(o.cargo || ' ' || o.n || ' 车次', '、' order by o.n desc, o.cargo)
            filter (where o.direction = 'out') as off_scope_products,
        min(o.first_day) as first_day,
        max(o.last_day) as last_day,
        (select count(*) from deliveries as d where d.site_id = l.site_id) as n_deliveries,
        (select string_agg(distinct d.cargo, '、' order by d.cargo) from deliveries as d where d.site_id = l.site_id)
            as all_cargo
    from licensed as l left join off_scope as o using (site_id)
    group by l.site_id
),

site_accounts as (
    select m.site_id, m.member_key as account_no
    from members as m join licensed as l using (site_id)
    where m.member_kind = 'power_account'
),

window_levels as (
    select
        s.site_id, s.account_no,
        avg(r.kwh_total) filter (where r.day > $as_of::date - interval ($recent_days) day) as recent_kwh,
        median(r.kwh_total) filter (where r.day <= $as_of::date - interval ($recent_days) day
            and r.day > $as_of::date - interval ($recent_days + $history_days) day) as history_kwh,
        -- the same weeks a year ago: seasonal load is not growth
        avg(r.kwh_total) filter (where r.day <= $as_of::date - interval 365 day
            and r.day > $as_of::date - interval (365 + $recent_days) day) as last_year_kwh
    from site_accounts as s join readings as r using (account_no)
    group by s.site_id, s.account_no
),

-- a site account read only between those windows (a meter gone quiet months ago) still
-- counts, with no levels: looked for only among the accounts the windows did not find
quiet_accounts as (
    select s.site_id, s.account_no
    from site_accounts as s anti join window_levels as w using (account_no)
    where s.account_no in (
        select account_no from power_readings_daily
        where day > ($as_of::date - interval (365 + $recent_days) day)::date and day <= $as_of
          and account_no in (select account_no from site_accounts anti join window_levels using (account_no)))
),

account_levels as (
    select * from window_levels
    union all
    select site_id, account_no, null, null, null from quiet_accounts
),

power_facts as (
    select
        site_id,
        sum(coalesce(recent_kwh, 0)) as recent_kwh,
        sum(coalesce(history_kwh, 0)) as history_kwh,
        sum(coalesce(last_year_kwh, 0)) as last_year_kwh
    from account_levels
    group by site_id
),

scored as (
    select
        l.*, w.n_off_scope, w.off_scope_cargo, w.n_off_products, w.off_scope_products,
        w.n_deliveries, w.first_day, w.last_day,
        w.all_cargo,
        p.recent_kwh, p.history_kwh, p.last_year_kwh,
        greatest(p.history_kwh, p.last_year_kwh) as baseline_kwh,
        p.recent_kwh / nullif(greatest(p.history_kwh, p.last_year_kwh), 0) as growth,
        least(1.0, greatest(0.0, ln(p.recent_kwh / nullif(greatest(p.history_kwh, p.last_year_kwh), 0)
            / $min_growth) / ln($full_growth / $min_growth))) as s_growth,
        case when l.has_valid then 1 - pow($per_delivery, w.n_off_scope) else 0 end as s_cargo,
        case when l.has_valid then 1 - pow($per_delivery, w.n_off_products) else 0 end as s_product,
        case when l.trading_only then 1 - pow($per_delivery, w.n_deliveries) else 0 end as s_storage,
        -- a lapsed permit: deliveries go on, or the load stays at its usual level
        case when l.has_valid then 0 else 1
            - (1 - $lapsed_delivery_weight * (1 - pow(0.5, w.n_deliveries)))
            * (1 - $lapsed_running_weight * (case when p.recent_kwh > 0
                and p.recent_kwh >= $running_share * greatest(p.history_kwh, p.last_year_kwh)
                then 1 else 0 end)) end as s_lapsed
    from licensed as l
    left join waybill_facts as w using (site_id)
    left join power_facts as p using (site_id)
),

findings as (
    select
        *,
        1 - (1 - (case when has_valid then $growth_weight * coalesce(s_growth, 0) else 0 end))
            -- a producer's off-scope cargo is mostly feedstock (a production permit lists
            -- products): it counts in full only with the output growth that new products need
            * (1 - $cargo_weight * s_cargo * (case when trading_only then 1
                   else $feedstock_share + (1 - $feedstock_share) * coalesce(s_growth, 0) end))
            -- a product the permit does not name, shipped out: the plant makes it
            * (1 - $product_weight * s_product)
            * (1 - $storage_weight * s_storage) * (1 - s_lapsed)
            as score
    from scored
)

select
    site_id,
    'beyond_permit' as detector,
    round(score, 4) as score,
    coalesce(least(first_day, $as_of::date - interval ($recent_days) day),
        $as_of::date - interval ($recent_days) day)::date as period_start,
    $as_of::date as period_end,
    '1' as category_hint,
    concat_ws('；',
        case when has_valid then '持' || permit_types || '（许可范围：' || coalesce(permit_scope, '未载明') || '）'
            else lapsed_type || '（许可范围：' || coalesce(lapsed_scope, '未载明') || '）已于 '
                || strftime(last_valid_until, '%Y-%m-%d') || ' 过期' end,
        case when not has_valid and n_deliveries > 0 then '过期后近' || $waybill_days || '天仍有 '
            || n_deliveries || ' 车次危险货物卸至本场所（' || all_cargo || '）' end,
        case when not has_valid and s_lapsed > 0 and recent_kwh > 0 then '近' || $recent_days
            || '天日均用电 ' || format('{:,.0f}', recent_kwh) || ' kWh，生产未停' end,
        case when s_cargo > 0 then '近' || $waybill_days || '天电子运单卸货含许可范围外品种：'
            || off_scope_cargo end,
        case when s_product > 0 then '近' || $waybill_days || '天电子运单自本场所发出许可范围外品种：'
            || off_scope_products || '（本单位许可均未载明，疑超范围生产）' end,
        case when s_storage > 0 then '许可为不带储存，近' || $waybill_days || '天却有 '
            || n_deliveries || ' 车次危险货物卸至本场所' end,
        case when has_valid and s_growth > 0 then '近' || $recent_days || '天日均用电 '
            || format('{:,.0f}', recent_kwh) || ' kWh，为以往基线 '
            || format('{:,.0f}', baseline_kwh) || ' kWh 的 ' || format('{:.1f}', growth) || ' 倍' end
    ) as reason,
    json_object(
        'permit_nos', permit_nos, 'permit_scope', permit_scope, 'trading_only', trading_only,
        'has_valid_permit', has_valid, 'last_valid_until', last_valid_until, 's_lapsed', round(s_lapsed, 3),
        'off_scope_cargo', off_scope_cargo, 'n_off_scope', n_off_scope,
        'off_scope_products', off_scope_products, 'n_off_products', n_off_products,
        'n_deliveries', n_deliveries, 'recent_kwh', round(recent_kwh, 1),
        'history_kwh', round(history_kwh, 1), 'last_year_kwh', round(last_year_kwh, 1),
        'growth', round(growth, 3)
    )::varchar as facts
from findings
where score >= $min_score
order by site_id
