-- idle_restart: months near zero, then sustained load up to as_of; stronger where the site's
-- registration is dead (停业/吊销/注销/迁出) or missing. Weeks are counted back from as_of:
-- week 0 = (as_of - 7, as_of].
with

members as (
    select site_id, member_kind, member_key
    from site_members
    where member_kind in ('power_account', 'registry')
),

accounts as (
    select
        account_no,
        uscc,
        tariff_class = $agricultural_class as agricultural,
        -- a pump named as such: irrigation wells restart with every irrigation round
        (select string_agg(k, '、' order by k) from unnest($pump_words) as t(k)
         where contains(coalesce(account_name, ''), k)) as pump_word
    from power_accounts
),

registry as (
    select uscc, status, status_class from registry
),

daily as not materialized (
    -- NULL and negative totals are data errors, left out
    select account_no, day, kwh_total as kwh
    from power_readings_daily
    where day > $as_of - 7 * $lookback_weeks and day <= $as_of and kwh_total >= 0
),

candidates as (
    -- cheap necessary conditions before any median: the most recent idle week lies within
    -- max_active_weeks, and at least min_active_weeks active weeks follow it, so the last
    -- max_active_weeks + 1 weeks hold dark days and busy days (drops households that never
    -- reach active_kwh and plants that never go dark)
    select account_no
    from daily
    where day > $as_of - 7 * ($max_active_weeks + 1)
    group by account_no
    having count(*) filter (where kwh <= $idle_kwh) >= $min_idle_weeks
       and count(*) filter (where kwh >= $active_kwh) >= $min_active_weeks
),

weeks as (
    -- one row per account and week: mean kWh/day of the days read (a median would call a week
    -- with three batch days out of seven idle)
    select
        account_no,
        (($as_of - day) // 7)::integer as w,
        avg(kwh) as week_kwh
    from daily
    semi join candidates using (account_no)
    group by all
    having count(*) >= $min_days_per_week
),

turn as (
    -- first_idle: the most recent idle week; everything after it is the restart
    select account_no, min(w) filter (where week_kwh <= $idle_kwh) as first_idle
    from weeks
    group by account_no
),

spans as (
    select
        t.account_no,
        t.first_idle,
        count(*) filter (where w.w < t.first_idle and w.week_kwh >= $active_kwh) as active_n,
        median(w.week_kwh) filter (where w.w < t.first_idle) as active_kwh,
        -- the busy week before the idle spell ends it
        coalesce(min(w.w) filter (where w.w > t.first_idle and w.week_kwh > $idle_kwh),
                 max(w.w) + 1) as idle_end,
    from turn as t
    join weeks as w using (account_no)
    where t.first_idle >= $min_active_weeks and t.first_idle <= $max_active_weeks
    group by all
),

restarts as (
    -- the idle spell: weeks from first_idle up to the busy week before it
    select
        s.*,
        count(*) filter (where w.week_kwh <= $idle_kwh) as idle_n,
        max(w.week_kwh) as idle_max_kwh
    from spans as s
    join weeks as w on w.account_no = s.account_no and w.w >= s.first_idle and w.w < s.idle_end
    where s.active_n >= $min_active_share * s.first_idle
      and s.active_kwh >= $active_kwh
    group by all
),

last_year as (
    -- the same weeks last year (364 days back, ± season_slack_days): did it draw this much on
    -- busy days then? Pumps and heaters run some days only, so a high quantile, not a median.
    select r.account_no, quantile_cont(d.kwh, 0.9) as ly_kwh
    from restarts as r
    join daily as d
      on d.account_no = r.account_no
     and d.day > $as_of - 364 - 7 * r.first_idle - $season_slack_days
     and d.day <= $as_of - 364 + $season_slack_days
    group by r.account_no
    having count(*) >= 7
),

prior_busy as (
    -- busy weeks before the idle spell: a plant that ran for months is no seasonal pump
    select s.account_no, count(*) as busy_n
    from spans as s
    join weeks as w on w.account_no = s.account_no and w.w >= s.idle_end
    where w.week_kwh > $idle_kwh
    group by s.account_no
),

fresh as (
    -- a farm account's long season (irrigation, a cold store from harvest to spring) is not a
    -- plant's long run: where it drew as much the same weeks last year, it is its season
    select r.*, y.ly_kwh, coalesce(b.busy_n, 0) as prior_busy_n
    from restarts as r
    left join last_year as y using (account_no)
    left join prior_busy as b using (account_no)
    where y.ly_kwh is null or y.ly_kwh < $season_share * r.active_kwh
       or (b.busy_n >= $long_run_weeks
           and r.account_no not in (select account_no from accounts where agricultural))
),

site_reg as (
    -- registrations tied to the site, directly or through the account's USCC
    select m.site_id, r.status, r.status_class
    from members as m
    join registry as r on m.member_kind = 'registry' and r.uscc = m.member_key
    union
    select m.site_id, r.status, r.status_class
    from members as m
    join accounts as a on m.member_kind = 'power_account' and a.account_no = m.member_key
    join registry as r on r.uscc = a.uscc
),

reg_state as (
    select
        site_id,
        bool_or(status_class = 'active') as any_active,
        string_agg(distinct status, '、' order by status) as statuses
    from site_reg
    group by site_id
),

scored as (
    select
        m.site_id,
        r.*,
        g.statuses,
        case when g.site_id is null then 'none'
             when g.any_active then 'active' else 'dead' end as reg,
        a.pump_word,
        0.3 + 0.7 * (
            0.6 * least(ln(r.active_kwh / $active_kwh) / ln($full_active_kwh / $active_kwh), 1)
            + 0.4 * least((r.idle_n - $min_idle_weeks) / ($full_idle_weeks - $min_idle_weeks), 1)
        ) as base_score
    from fresh as r
    join members as m on m.member_kind = 'power_account' and m.member_key = r.account_no
    left join reg_state as g on g.site_id = m.site_id
    left join accounts as a on a.account_no = r.account_no
    where r.idle_n >= $min_idle_weeks
),

best as (
    select
        *,
        (1 - (1 - base_score) * (1 - case reg when 'dead' then $dead_reg_bonus
                                              when 'none' then $no_reg_bonus else 0 end))
        * case when pump_word is not null then $pump_discount else 1 end as score
    from scored
    qualify row_number() over (partition by site_id order by score desc, account_no) = 1
)

select
    site_id,
    'idle_restart' as detector,
    round(score, 3) as score,
    $as_of - (7 * first_idle - 1) as period_start,
    $as_of as period_end,
    case when reg = 'dead' then '复燃' end as category_hint,
    '户号 ' || account_no || '：此前 ' || idle_n || ' 周近乎停用（周日用电中位数不超过 '
        || format('{:,.1f}', idle_max_kwh) || ' kWh），近 ' || first_idle
        || ' 周恢复用电，日用电中位数 ' || format('{:,.0f}', active_kwh) || ' kWh；'
        || case reg when 'dead' then '登记状态：' || statuses
                    when 'none' then '无关联工商登记'
                    else '登记状态：' || statuses end
        || case when pump_word is not null
                then '；户名含「' || pump_word || '」，灌溉季节恢复用电属常见' else '' end as reason,
    json_object(
        'account_no', account_no, 'idle_weeks', idle_n, 'idle_max_kwh', round(idle_max_kwh, 2),
        'active_weeks', first_idle, 'active_kwh', round(active_kwh, 1),
        'last_year_kwh', round(ly_kwh, 1), 'prior_busy_weeks', prior_busy_n, 'registration', reg,
        'statuses', statuses, 'pump_word', pump_word
    )::varchar as facts
from best
order by score desc, site_id
