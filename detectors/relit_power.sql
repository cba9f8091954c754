-- relit (power): a closed site (ledger or verdict) whose meters run again after its closed_on.
with

members as (
    select site_id, member_kind, member_key from site_members
),

-- the ledger's closed sites, and sites closed through verdicts (registered by the caller:
-- relit_outcome_closures, empty until leads carry verdicts)
closed as (
    select m.site_id, c.name, c.closed_on, c.account_no, c.measures
    from members as m
    join closed_sites as c on m.member_kind = 'closed_site' and m.member_key = c.name || '|' || c.address
    where c.closed_on is not null and c.closed_on < $as_of
    union all
    select site_id, name, closed_on, null, measures
    from relit_outcome_closures
    where closed_on < $as_of
),

closed_sites_latest as (
    select site_id, max(closed_on) as closed_on, string_agg(distinct name, '、' order by name) as closed_names,
        string_agg(distinct measures, '、' order by measures) as measures
    from closed
    group by site_id
),

-- the site's accounts, and the ledger's own 户号 even when the resolver did not join it
site_accounts as (
    select m.site_id, m.member_key as account_no
    from members as m join closed_sites_latest using (site_id)
    where m.member_kind = 'power_account'
    union
    select site_id, account_no from closed where account_no is not null
),

readings as (
    select r.account_no, r.day, r.kwh_total
    from power_readings_daily as r
    -- a date bound (not a timestamp): the lake's row groups are pruned by their day statistics
    where r.day <= $as_of and r.day > ($as_of::date - interval ($lookback_days) day)::date
),

account_levels as (
    select
        s.site_id, s.account_no, c.closed_on,
        avg(r.kwh_total) filter (where r.day > $as_of::date - interval ($recent_days) day) as recent_kwh,
        -- dormant: after the grace days that follow a closure, before the recent window
        median(r.kwh_total) filter (where r.day > c.closed_on + interval ($grace_days) day
            and r.day <= $as_of::date - interval ($recent_days) day) as dormant_kwh,
        median(r.kwh_total) filter (where r.day <= c.closed_on
            and r.day > c.closed_on - interval 90 day) as before_kwh,
        min(r.day) filter (where r.day > c.closed_on and r.kwh_total >= $near_zero_kwh) as first_active_day
    from site_accounts as s
    join closed_sites_latest as c using (site_id)
    join readings as r using (account_no)
    group by s.site_id, s.account_no, c.closed_on
),

site_levels as (
    select
        site_id,
        sum(coalesce(recent_kwh, 0)) as recent_kwh,
        sum(dormant_kwh) as dormant_kwh,  -- NULL when no account has dormant-window readings
        sum(before_kwh) as before_kwh,
        max(first_active_day) filter (where recent_kwh >= $near_zero_kwh) as active_since,
        count(*) as n_accounts
    from account_levels
    group by site_id
),

scored as (
    select
        s.*, c.closed_on, c.closed_names, c.measures,
        s.recent_kwh / greatest(coalesce(s.dormant_kwh, 0), $dormant_floor_kwh) as ratio,
        s.recent_kwh / (s.recent_kwh + $half_kwh) as level,
        case when s.dormant_kwh is null then $unknown_jump
            else least(1.0, greatest(0.0, ln(s.recent_kwh / greatest(s.dormant_kwh, $dormant_floor_kwh))
                / ln($full_ratio))) end as jump
    from site_levels as s join closed_sites_latest as c using (site_id)
    where s.recent_kwh >= $near_zero_kwh
)

select
    site_id,
    'relit' as detector,
    round(level * (1 - $jump_weight + $jump_weight * jump), 4) as score,
    ($as_of::date - interval ($recent_days) day)::date as period_start,
    $as_of::date as period_end,
    '复燃' as category_hint,
    concat_ws('；',
        '清单台账已关停（' || closed_names || '，' || strftime(closed_on, '%Y-%m-%d')
            || coalesce('，' || measures, '') || '）',
        '近' || $recent_days || '天日均用电 ' || format('{:,.0f}', recent_kwh) || ' kWh',
        case when dormant_kwh is not null then '关停后停用期日均 ' || format('{:,.1f}', dormant_kwh)
            || ' kWh，现为其 ' || format('{:.1f}', ratio) || ' 倍' end,
        case when before_kwh is not null then '关停前日均 ' || format('{:,.0f}', before_kwh) || ' kWh' end
    ) as reason,
    json_object('closed_on', closed_on, 'recent_kwh', round(recent_kwh, 1),
        'dormant_kwh', round(dormant_kwh, 1), 'before_kwh', round(before_kwh, 1),
        'ratio', round(ratio, 2), 'active_since', active_since, 'n_accounts', n_accounts)::varchar as facts
from scored
where dormant_kwh is null or ratio >= $min_ratio
order by site_id
