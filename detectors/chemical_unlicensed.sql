-- chemical_unlicensed: registrations whose trade code (26xx) or 经营范围 shows chemical
-- production, at sites with no hazardous-chemical permit valid on $as_of.
-- Registered by the caller: chemical_unlicensed_scope (chem_terms.scope_table),
-- chemical_unlicensed_codes (chem_terms.code_table).
with

members as (
    select site_id, member_kind, member_key from site_members
),

registrations as (
    -- the code as filed, cut to its digits (C2614 → 2614); none is read from the words here:
    -- the scope is weighed by itself
    select r.uscc, r.name, r.status, r.status_class, t.registered_code as industry_code,
           -- the registration itself says its products are no hazardous chemicals
           regexp_matches(coalesce(r.scope, ''), $declared_safe_pattern) as declared_safe
    from registry as r
    join xhg_registry_trades() as t using (uscc)
),

scope_facts as (
    select * from chemical_unlicensed_scope
),

codes as (
    select code, code_name, code_weight from chemical_unlicensed_codes
),

permits_in as (
    select permit_no, uscc, holder_name, permit_type, valid_until from permits
),

accounts as (
    -- the site's metered load: the sum over its accounts of the median day of the last
    -- recent_days (NULL when no readings came)
    select m.site_id, sum(d.kwh) as recent_kwh
    from members as m
    left join (
        select account_no, median(kwh_total) as kwh
        from power_readings_daily
        where day > $as_of::date - ($recent_days)::integer and day <= $as_of
        group by account_no
    ) as d on d.account_no = m.member_key
    where m.member_kind = 'power_account'
    group by m.site_id
),

site_registrations as (
    select m.site_id, r.*
    from members as m
    join registrations as r on m.member_kind = 'registry' and m.member_key = r.uscc
    where r.status_class is distinct from 'moved'
),

-- a permit belongs to a site through membership, or through its holder's uscc or name
site_permits as (
    select m.site_id, p.*
    from members as m join permits_in as p on m.member_kind = 'permit' and m.member_key = p.permit_no
    union
    select r.site_id, p.*
    from site_registrations as r
    join permits_in as p on p.uscc = r.uscc or p.holder_name = r.name
),

permit_state as (
    select
        site_id,
        bool_or(valid_until >= $as_of) as has_valid,
        bool_or(valid_until >= $as_of and permit_type like '%生产%') as has_valid_production,
        max(valid_until) filter (where valid_until < $as_of) as last_expired,
        string_agg(distinct permit_type, '、' order by permit_type) filter (where valid_until >= $as_of) as valid_types
    from site_permits
    group by site_id
),

evidence as (
    select
        r.site_id, r.uscc, r.name, r.status, r.status_class, r.industry_code, r.declared_safe,
        c.code_name,
        coalesce(c.code_weight, 0) as code_weight,
        coalesce(s.scope_score, 0) as scope_score,
        coalesce(s.prod_hazchem, []) as prod_hazchem,
        coalesce(s.prod_words, []) as prod_words,
        coalesce(s.negated, false) as negated,
        coalesce(s.negated_words, []) as negated_words,
        coalesce(s.fuel_trade, false) as fuel_trade,
        coalesce(p.has_valid, false) as has_valid,
        coalesce(p.has_valid_production, false) as has_valid_production,
        p.last_expired, p.valid_types,
        a.site_id is not null as has_power,
        a.recent_kwh
    from site_registrations as r
    left join scope_facts as s on s.uscc = r.uscc
    left join codes as c on c.code = r.industry_code
    left join permit_state as p on p.site_id = r.site_id
    left join accounts as a on a.site_id = r.site_id
),

scored as (
    select
        *,
        -- code and scope are partly the same evidence: the code counts half beside a scope
        -- a scope declaring 不含危险化学品 makes the code count half again
        1 - (1 - scope_score) * (1 - code_weight * (case when scope_score > 0 then 0.5 else 1 end)
                                                 * (case when declared_safe then $declared_safe_factor else 1 end))
            as chem_score,
        case status_class
            when 'revoked' then $inactive_factor
            when 'cancelled' then $inactive_factor
            when 'suspended' then $suspended_factor
            else 1.0 end
        * (case when not has_power then $no_power_factor
                when recent_kwh < $idle_kwh then $idle_factor else 1.0 end) as context_factor
    from evidence
),

findings as (
    select
        *,
        case
            when chem_score > 0 and not has_valid then chem_score * context_factor
            -- a trading or use permit does not license production of the chemicals named
            when len(prod_hazchem) > 0 and has_valid and not has_valid_production
                then chem_score * context_factor * $trading_permit_factor
            when fuel_trade and not has_valid then $fuel_score * context_factor
            else 0 end as score,
        case
            -- an existing chemical firm: licensed for something else, or its permit lapsed
            when chem_score > 0 and (has_valid or last_expired is not null) then '1'
            when chem_score = 0 and fuel_trade then '6'
            when uscc like '92%' or regexp_matches(name, '作坊|加工点|加工坊|个人') then '3'
            else '2' end as category_hint
    from scored
),

best as (
    select * from findings
    where score >= $min_score
    qualify row_number() over (partition by site_id order by score desc, uscc) = 1
)

select
    site_id,
    'chemical_unlicensed' as detector,
    round(least(score, 1.0), 4) as score,
    $as_of::date as period_start,
    $as_of::date as period_end,
    category_hint,
    concat_ws('；',
        name || '（' || status || '）',
        case when len(prod_hazchem) > 0
            then '经营范围含危险化学品生产/加工：' || array_to_string(prod_hazchem, '、') end,
        case when len(prod_words) > len(negated_words)
            then '经营范围含化工类生产：'
                || array_to_string(list_filter(prod_words, w -> not list_contains(negated_words, w)), '、') end,
        case when len(negated_words) > 0
            then '经营范围含化工类生产（注明不含危险化学品）：' || array_to_string(negated_words, '、') end,
        case when code_weight > 0
            then '行业代码 ' || industry_code || '（' || code_name || '）'
                 || case when declared_safe then '，经营范围注明不含危险化学品' else '' end end,
        case when chem_score = 0 and fuel_trade then '经营范围含汽油/柴油等成品油经营' end,
        case
            when has_valid then '仅持' || valid_types || '，无安全生产许可'
            when last_expired is not null
                then '危化品许可证已于 ' || strftime(last_expired, '%Y-%m-%d') || ' 过期'
            else '无有效危化品许可' end,
        case when not has_power then '未关联电力户号'
             when recent_kwh < $idle_kwh
                 then '近' || $recent_days || '天日用电中位数仅 ' || format('{:,.1f}', recent_kwh)
                      || ' kWh，未见生产规模用电' end
    ) as reason,
    json_object(
        'uscc', uscc, 'industry_code', industry_code, 'code_weight', code_weight,
        'scope_score', round(scope_score, 3), 'prod_hazchem', prod_hazchem,
        'prod_words', prod_words, 'negated', negated, 'declared_safe', declared_safe,
        'fuel_trade', fuel_trade,
        'has_valid_permit', has_valid, 'valid_types', valid_types,
        'last_expired', last_expired, 'status_class', status_class, 'has_power', has_power,
        'recent_kwh', round(recent_kwh, 1)
    )::varchar as facts
from best
order by site_id
