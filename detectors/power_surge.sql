-- power_surge: recent daily kWh far above the account's own robust baseline, net of what the
-- same weeks did last year. Windows are inclusive of as_of: recent = (as_of - recent_days, as_of].
with

members as (
    select site_id, member_key as account_no
    from site_members
    where member_kind = 'power_account'
),

recent as (
    -- kWh per day; NULL and negative totals are data errors, left out rather than read as 0
    select account_no, day, kwh_total as kwh, kwh_valley as valley
    from power_readings_daily
    where day > $as_of - ($recent_days + $baseline_days) and day <= $as_of and kwh_total >= 0
),

busy as (
    -- a cheap necessary condition before any quantile: a recent upper quartile of at least
    -- min_increase_kwh needs a quarter of the recent days at that level (drops most households)
    select account_no
    from recent
    where day > $as_of - $recent_days
    group by account_no
    having count(*) filter (where kwh >= $min_increase_kwh) >= $min_recent_days / 4
),

levels as (
    select
        account_no,
        -- the upper quartile, not the median: a batch workshop runs some days and idles others
        quantile_cont(kwh, 0.75) filter (where day > $as_of - $recent_days) as recent_kwh,
        avg(kwh) filter (where day > $as_of - $recent_days) as recent_mean_kwh,
        count(*) filter (where day > $as_of - $recent_days) as recent_n,
        median(kwh) filter (where day <= $as_of - $recent_days) as base_kwh,
        count(*) filter (where day <= $as_of - $recent_days) as base_n,
        -- when the added energy is drawn: the 谷 (valley, mostly night) share of the increase
        -- in mean daily kWh; NULL without the 峰/平/谷 split, or where the valley is not
        -- night (detectors/tou.py: a midday valley would make a day shift look like night)
        case when xhg_valley_is_night() then
            (avg(valley) filter (where day > $as_of - $recent_days)
             - avg(valley) filter (where day <= $as_of - $recent_days))
            / nullif(avg(kwh) filter (where day > $as_of - $recent_days and valley is not null)
                     - avg(kwh) filter (where day <= $as_of - $recent_days and valley is not null), 0)
        end as added_valley_share
    from recent
    semi join busy using (account_no)
    group by account_no
),

candidates as (
    -- surges before any seasonal correction; only these need last year's history
    select *
    from levels
    where recent_n >= $min_recent_days and base_n >= $min_baseline_days
      and recent_kwh / greatest(base_kwh, $floor_kwh) >= $min_ratio
      and recent_kwh - base_kwh >= $min_increase_kwh
),

history as (
    select d.account_no, d.day, d.kwh_total as kwh
    from power_readings_daily as d
    semi join candidates as c using (account_no)
    where d.day > $as_of - (364 + $recent_days + $baseline_days)
      and d.day <= greatest($as_of - 364 + $season_slack_days,
                            $as_of - $recent_days - $baseline_days)
      and d.kwh_total >= 0
),

last_year as (
    -- 364 days back keeps weekdays aligned with this year's windows
    select
        account_no,
        quantile_cont(kwh, 0.75) filter (where day > $as_of - 364 - $recent_days
                                           and day <= $as_of - 364) as ly_recent_kwh,
        count(*) filter (where day > $as_of - 364 - $recent_days
                           and day <= $as_of - 364) as ly_recent_n,
        median(kwh) filter (where day <= $as_of - 364 - $recent_days) as ly_base_kwh,
        count(*) filter (where day <= $as_of - 364 - $recent_days) as ly_base_n,
        -- last year's busy days around the same weeks (± slack: seasons shift by weeks;
        -- pumps and heaters run some days only, hence a high quantile)
        quantile_cont(kwh, 0.9) filter (
            where day > $as_of - 364 - $recent_days - $season_slack_days
              and day <= $as_of - 364 + $season_slack_days) as ly_near_kwh,
        count(*) filter (where day > $as_of - 364 - $recent_days - $season_slack_days
                           and day <= $as_of - 364 + $season_slack_days) as ly_near_n
    from history
    group by account_no
),

peaks as (
    -- the highest monthly median in the year before the baseline: a pump's irrigation round,
    -- a heating winter; a level reached before is a return, not a surge
    select account_no, max(month_kwh) as peak_kwh
    from (
        select account_no, date_trunc('month', day) as month, median(kwh) as month_kwh
        from history
        where day > $as_of - 364 - $recent_days and day <= $as_of - $recent_days - $baseline_days
        group by all
        having count(*) >= 14
    )
    group by account_no
),

windows as (
    select c.*, y.* exclude (account_no)
    from candidates as c
    left join last_year as y using (account_no)
),

ratios as (
    select
        w.*,
        p.peak_kwh,
        recent_kwh / greatest(base_kwh, $floor_kwh) as ratio,
        recent_kwh - base_kwh as increase_kwh,
        case when ly_recent_n >= $min_recent_days and ly_base_n >= $min_baseline_days
             then ly_recent_kwh / greatest(ly_base_kwh, $floor_kwh) end as ly_ratio,
        case when ly_near_n >= $min_recent_days
             then recent_kwh / greatest(ly_near_kwh, $floor_kwh) end as yoy_ratio,
        recent_kwh / greatest(p.peak_kwh, $floor_kwh) as peak_ratio
    from windows as w
    left join peaks as p using (account_no)
    where recent_n >= $min_recent_days and base_n >= $min_baseline_days
),

seasonal as (
    -- the surge left after taking out last year's own surge and last year's level
    select
        *,
        least(ratio / greatest(coalesce(ly_ratio, 1), 1), coalesce(yoy_ratio, ratio),
              coalesce(peak_ratio, ratio)) as net_ratio
    from ratios
),

scored as (
    select
        m.site_id,
        s.*,
        pw.pump_word,
        -- added load drawn by day (a second day shift) weighs day_factor; by night or around
        -- the clock (a reactor, work hidden at night) fully (detectors/growth_common.sql)
        xhg_growth_score(s.net_ratio, s.increase_kwh, $min_ratio, $full_ratio, $min_increase_kwh,
                         $full_increase_kwh, s.added_valley_share, $day_factor, $valley_full_share)
        -- an irrigation pump named as such: its rounds move from year to year
        * case when pw.pump_word is null then 1.0 else $pump_discount end as score
    from seasonal as s
    join members as m using (account_no)
    left join (
        select account_no, xhg_words_in(account_name, $pump_words) as pump_word
        from power_accounts
        where account_no in (select account_no from seasonal)
    ) as pw using (account_no)
    where s.net_ratio >= $min_ratio and s.increase_kwh >= $min_increase_kwh
),

best as (
    -- one row per site: its strongest account
    select * from scored
    qualify row_number() over (partition by site_id order by score desc, account_no) = 1
)

select
    site_id,
    'power_surge' as detector,
    round(score, 3) as score,
    $as_of - ($recent_days - 1) as period_start,
    $as_of as period_end,
    null as category_hint,
    '户号 ' || account_no || '：近' || $recent_days || '天较高日用电(75分位) '
        || format('{:,.0f}', recent_kwh) || ' kWh，为前' || $baseline_days || '天中位数 '
        || format('{:,.1f}', base_kwh) || ' kWh 的 ' || format('{:.1f}', ratio) || ' 倍'
        || case
            when ly_ratio is not null
                then '（去年同期为其前' || $baseline_days || '天的 ' || format('{:.1f}', ly_ratio) || ' 倍）'
            when yoy_ratio is not null
                then '（去年同期前后日用电高位 ' || format('{:,.0f}', ly_near_kwh) || ' kWh，今年为其 '
                     || format('{:.1f}', yoy_ratio) || ' 倍）'
            else '（无去年同期数据）'
        end
        || case when peak_ratio < ratio and peak_ratio <= coalesce(yoy_ratio, ratio)
                then '；此前一年最高月中位数 ' || format('{:,.0f}', peak_kwh) || ' kWh' else '' end
        || xhg_growth_notes(added_valley_share, $valley_full_share, pump_word) as reason,
    json_object(
        'account_no', account_no, 'recent_kwh', round(recent_kwh, 1),
        'recent_mean_kwh', round(recent_mean_kwh, 1), 'recent_days', recent_n,
        'baseline_kwh', round(base_kwh, 1), 'baseline_days', base_n,
        'ratio', round(ratio, 2), 'increase_kwh', round(increase_kwh, 1),
        'last_year_ratio', round(ly_ratio, 2), 'last_year_kwh', round(ly_near_kwh, 1),
        'yoy_ratio', round(yoy_ratio, 2), 'peak_kwh', round(peak_kwh, 1),
        'net_ratio', round(net_ratio, 2), 'added_valley_share', round(added_valley_share, 3),
        'pump_word', pump_word
    )::varchar as facts
from best
order by score desc, site_id
