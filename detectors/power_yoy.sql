-- power_yoy: this year's busy-day level far above the same weeks last year. Windows are
-- inclusive of as_of: now = (as_of - window_days, as_of]; last year = the same days 364 back,
-- widened by season_slack_days on both sides.
with

members as (
    select site_id, member_key as account_no
    from site_members
    where member_kind = 'power_account'
),

now_days as (
    select account_no, kwh_total as kwh, kwh_valley as valley
    from power_readings_daily
    where day > $as_of - $window_days and day <= $as_of and kwh_total >= 0
),

now_level as (
    select account_no,
           quantile_cont(kwh, 0.75) as now_kwh,
           avg(kwh) as now_mean_kwh,
           avg(valley) as now_valley,
           avg(kwh) filter (where valley is not null) as now_mean_split,
           count(*) as now_n
    from now_days
    group by account_no
    -- a cheap necessary condition before last year is read: drops most households
    having count(*) >= $min_days and quantile_cont(kwh, 0.75) >= $min_increase_kwh
),

settled as (
    -- the months before the window drew settled_share of today's busy-day level on their busy
    -- days already: the rise is not fresh (a fresh surge is power_surge's finding; both would
    -- count one fact twice)
    select d.account_no, quantile_cont(d.kwh_total, 0.75) as before_kwh
    from power_readings_daily as d
    join now_level as n using (account_no)
    where d.day > $as_of - $window_days - $settled_days and d.day <= $as_of - $window_days
      and d.kwh_total >= 0
    group by d.account_no, n.now_kwh
    having count(*) >= $min_days and quantile_cont(d.kwh_total, 0.75) >= $settled_share * n.now_kwh
),

last_days as (
    select d.account_no, d.day, d.kwh_total as kwh, d.kwh_valley as valley
    from power_readings_daily as d
    semi join settled as n using (account_no)
    where d.day > $as_of - 364 - $window_days - $season_slack_days
      and d.day <= $as_of - 364 + $season_slack_days
      and d.kwh_total >= 0
),

last_level as (
    select account_no,
           -- the busiest of last year's season: a round or cold snap weeks apart still cancels
           quantile_cont(kwh, 0.9) as ly_kwh,
           -- the same days only, for the valley share of the increase
           avg(kwh) filter (where day > $as_of - 364 - $window_days and day <= $as_of - 364
                              and valley is not null) as ly_mean_split,
           avg(valley) filter (where day > $as_of - 364 - $window_days and day <= $as_of - 364)
               as ly_valley,
           count(*) filter (where day > $as_of - 364 - $window_days and day <= $as_of - 364) as ly_n
    from last_days
    group by account_no
),

ratios as (
    select n.*, l.* exclude (account_no), st.before_kwh,
           n.now_kwh / greatest(l.ly_kwh, $floor_kwh) as ratio,
           n.now_kwh - l.ly_kwh as increase_kwh,
           -- the 谷 (valley) share of the added energy; NULL without the 峰/平/谷 split, or
           -- where the valley is not night (detectors/tou.py)
           case when xhg_valley_is_night()
                then (n.now_valley - l.ly_valley) / nullif(n.now_mean_split - l.ly_mean_split, 0)
           end as added_valley_share,
           -- the 谷 energy itself against the same days last year (mean kWh a day)
           n.now_valley / greatest(l.ly_valley, $floor_kwh) as valley_ratio,
           n.now_valley - l.ly_valley as valley_increase_kwh
    from now_level as n
    join settled as st using (account_no)
    join last_level as l using (account_no)
    where l.ly_n >= $min_days
),

paths as (
    -- a rise of min_ratio; or a smaller one (night_min_ratio) whose added energy is drawn in
    -- the 谷 hours (a new unit run at night, not a second day shift); or, in a big firm whose
    -- day load hides it, the 谷 energy itself multiplied (valley_min_ratio) with the added
    -- energy drawn at night
    select r.*,
           r.ratio >= $min_ratio and r.increase_kwh >= $min_increase_kwh as main_path,
           r.ratio >= $night_min_ratio and r.increase_kwh >= $night_min_increase_kwh
               and r.added_valley_share >= $night_valley_share as night_path,
           r.valley_ratio >= $valley_min_ratio and r.valley_increase_kwh >= $valley_min_increase_kwh
               and r.added_valley_share >= $night_valley_share as valley_path
    from ratios as r
),

flagged as (
    select r.*, a.account_name, xhg_words_in(a.account_name, $pump_words) as pump_word
    from paths as r
    left join power_accounts as a using (account_no)
    where r.main_path or r.night_path or r.valley_path
),

scored as (
    select
        m.site_id,
        f.*,
        -- (detectors/growth_common.sql, as power_surge)
        greatest(
            case when f.main_path or f.night_path then
                xhg_growth_score(f.ratio, f.increase_kwh,
                                 case when f.main_path then $min_ratio else $night_min_ratio end,
                                 $full_ratio, $min_increase_kwh, $full_increase_kwh,
                                 f.added_valley_share, $day_factor, $valley_full_share) end,
            case when f.valley_path then
                xhg_growth_score(f.valley_ratio, f.valley_increase_kwh, $valley_min_ratio,
                                 $valley_full_ratio, $valley_min_increase_kwh, $full_increase_kwh,
                                 f.added_valley_share, $day_factor, $valley_full_share) end)
        * case when f.pump_word is null then 1.0 else $pump_discount end as score
    from flagged as f
    join members as m using (account_no)
),

best as (
    select * from scored
    qualify row_number() over (partition by site_id order by score desc, account_no) = 1
)

select
    site_id,
    'power_yoy' as detector,
    round(score, 3) as score,
    $as_of - ($window_days - 1) as period_start,
    $as_of as period_end,
    null as category_hint,
    '户号 ' || account_no || '：近' || $window_days || '天较高日用电(75分位) '
        || format('{:,.0f}', now_kwh) || ' kWh，去年同期前后较高日用电(90分位) '
        || format('{:,.1f}', ly_kwh) || ' kWh，同比为 ' || format('{:.1f}', ratio) || ' 倍；此前'
        || $settled_days || '天较高日用电已达 ' || format('{:,.0f}', before_kwh) || ' kWh，非近期才增加'
        || case when main_path then ''
                when night_path
                then '（同比不足 ' || format('{:.0f}', $min_ratio) || ' 倍，但新增电量多在谷段，似夜间新增装置）'
                else '' end
        || case when valley_path
                then '；谷段(夜间)日均电量 ' || format('{:,.0f}', now_valley) || ' kWh，去年同期 '
                     || format('{:,.0f}', ly_valley) || ' kWh，为 ' || format('{:.1f}', valley_ratio) || ' 倍'
                     || case when main_path or night_path then ''
                             else '（总量同比仅 ' || format('{:.1f}', ratio)
                                  || ' 倍：白天用电掩盖了夜间新增装置）' end
                else '' end
        || xhg_growth_notes(added_valley_share, $valley_full_share, pump_word) as reason,
    json_object(
        'account_no', account_no, 'now_kwh', round(now_kwh, 1), 'now_mean_kwh', round(now_mean_kwh, 1),
        'now_days', now_n, 'before_kwh', round(before_kwh, 1), 'last_year_kwh', round(ly_kwh, 1), 'last_year_days', ly_n,
        'ratio', round(ratio, 2), 'increase_kwh', round(increase_kwh, 1),
        'added_valley_share', round(added_valley_share, 3), 'pump_word', pump_word,
        'night_path', night_path and not main_path,
        'valley_path', valley_path,
        'valley_kwh', round(now_valley, 1), 'last_year_valley_kwh', round(ly_valley, 1)
    )::varchar as facts
from best
order by score desc, site_id
