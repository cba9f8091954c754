-- night_load: share of kWh drawn in clock-night hours (default 22:00–06:00) from interval
-- readings; where an account has none, the daily 谷 (valley) share as a weaker proxy.
-- Window: days (as_of - window_days, as_of].
with

members as (
    select site_id, member_key as account_no
    from site_members
    where member_kind = 'power_account'
),

accounts as (
    select account_no, account_name, tariff_class from power_accounts
),

caps as (
    -- readings beyond what the connection can carry are data errors (power_common.sql)
    select * from xhg_reading_caps($absurd_kva_factor)
),

buckets as (
    -- interval kWh (any interval length) summed per account, window and clock hour: recent,
    -- or the before_days before it; negative values and values beyond the connection are errors
    select
        account_no,
        ts >= $as_of - ($window_days - 1) as recent,
        hour(ts) as h,
        sum(kwh) as kwh,
        count(*) as n,
        -- days spanned (a distinct count costs ~3x the whole scan); whole-day gaps make it an
        -- overstatement, so per-day figures err low
        date_diff('day', min(ts), max(ts)) + 1 as days
    from power_readings_interval
    left join caps using (account_no)
    where ts >= $as_of - ($window_days + $before_days - 1) and ts < $as_of + 1 and kwh >= 0
      and (caps.max_interval_kwh is null or kwh <= caps.max_interval_kwh)
    group by all
),

hours as (
    select
        *,
        case when $night_start_hour > $night_end_hour
             then h >= $night_start_hour or h < $night_end_hour
             else h >= $night_start_hour and h < $night_end_hour end as is_night
    from buckets
),

clock as (
    -- mean kWh per reading in sets of clock hours: with one interval length per account, their
    -- ratios are ratios of hourly load, and gaps do not bias them
    select
        account_no,
        max(days) filter (where recent) as days_n,
        sum(kwh) filter (where recent) as total_kwh,
        sum(kwh) filter (where recent and is_night) as night_kwh,
        sum(kwh) filter (where recent and is_night) / sum(n) filter (where recent and is_night)
            as night_mean,
        sum(kwh) filter (where recent and not is_night)
            / sum(n) filter (where recent and not is_night) as day_mean,
        sum(kwh) filter (where recent and h >= $midday_valley_start and h < $midday_valley_end)
            / sum(n) filter (where recent and h >= $midday_valley_start and h < $midday_valley_end)
            as midday_mean,
        sum(kwh) filter (where recent and not is_night and h >= $night_end_hour + 2
                           and not (h >= $midday_valley_start and h < $midday_valley_end))
            / sum(n) filter (where recent and not is_night and h >= $night_end_hour + 2
                               and not (h >= $midday_valley_start and h < $midday_valley_end))
            as other_day_mean,
        -- the first three hours of the night, the rest of it, and the three hours after it
        sum(kwh) filter (where recent and is_night and (h - $night_start_hour + 24) % 24 < 3)
            / sum(n) filter (where recent and is_night and (h - $night_start_hour + 24) % 24 < 3)
            as evening_mean,
        sum(kwh) filter (where recent and is_night and (h - $night_start_hour + 24) % 24 >= 3)
            / sum(n) filter (where recent and is_night and (h - $night_start_hour + 24) % 24 >= 3)
            as dawn_mean,
        sum(kwh) filter (where recent and (h - $night_end_hour + 24) % 24 < 3)
            / sum(n) filter (where recent and (h - $night_end_hour + 24) % 24 < 3) as morning_mean,
        -- the account's own night share before the window: a new night shift shows as a rise
        -- even on a plant whose day load dilutes the share
        max(days) filter (where not recent) as days_before,
        sum(kwh) filter (where not recent and is_night) as night_kwh_before,
        sum(kwh) filter (where not recent) as total_kwh_before
    from hours
    group by account_no
    having max(days) filter (where recent) >= $min_days and sum(kwh) filter (where recent) > 0
),

proxy as (
    -- daily 谷 share only for accounts without interval data, and only where the valley is
    -- mostly night (detectors/tou.py reads the valley hours off the data)
    select
        d.account_no,
        count(*) as days_n,
        sum(d.kwh_total) as total_kwh,
        sum(d.kwh_valley) as valley_kwh
    from power_readings_daily as d
    anti join clock as c using (account_no)
    left join caps using (account_no)
    where d.day > $as_of - $window_days and d.day <= $as_of
      and (caps.max_day_kwh is null or d.kwh_total <= caps.max_day_kwh)
      and d.kwh_valley >= 0 and d.kwh_total > 0 and d.kwh_valley <= d.kwh_total
      and xhg_valley_is_night()
    group by d.account_no
    having count(*) >= $min_days
),

features as (
    select
        account_no, 'clock' as source, days_n,
        night_kwh / total_kwh as share,
        night_kwh / days_n as night_kwh_day,
        night_mean / nullif(day_mean, 0) as night_day_ratio,
        midday_mean / nullif(other_day_mean, 0) as midday_ratio,
        -- an early-morning trade (bakery, tofu, breakfast) starts after midnight and runs on
        -- into the morning; a workshop hiding from daylight runs from the evening
        evening_mean < $dawn_evening_ratio * dawn_mean
            and morning_mean >= $dawn_morning_ratio * dawn_mean as dawn_trade,
        share_before,
        night_kwh / days_n - night_kwh_before / days_before as night_added_kwh,
        -- the night's part of the energy added since: a unit run at night adds mostly night
        -- kWh however much the day load dilutes the share (a 24-hour unit adds 8/24)
        (night_kwh / days_n - night_kwh_before / days_before)
            / nullif(total_kwh / days_n - total_kwh_before / days_before, 0) as added_night_share
    from (
        select
            * exclude (days_before, night_kwh_before, total_kwh_before),
            total_kwh_before,
            case when days_before >= $min_days then days_before end as days_before,
            case when days_before >= $min_days then night_kwh_before end as night_kwh_before,
            case when days_before >= $min_days
                 then night_kwh_before / nullif(total_kwh_before, 0) end as share_before
        from clock
    )
    union all by name
    select
        account_no, 'valley' as source, days_n,
        valley_kwh / total_kwh as share,
        valley_kwh / days_n as night_kwh_day
    from proxy
),

judged as (
    select
        f.* exclude (dawn_trade),
        a.account_name,
        -- a trade that works at night by nature, named on the account (or on the site's
        -- registrations: site_trade below)
        (select string_agg(k, '、' order by k) from unnest($night_trades) as t(k)
         where contains(coalesce(a.account_name, ''), k)) as account_trade,
        f.source = 'clock' and f.midday_ratio >= $tariff_follow_ratio as follows_tariff,
        coalesce(f.dawn_trade, false) as dawn_trade,
        -- a new night shift: the night share rose, or a big load was added mostly at night
        coalesce(f.share - f.share_before >= $min_rise and f.night_added_kwh >= $min_night_kwh, false)
            as share_rose,
        coalesce(f.night_added_kwh >= $min_added_night_kwh
                 and f.added_night_share >= $min_added_night_share, false) as night_added,
        case f.source when 'clock' then $min_share else $min_valley_share end as lo,
        case f.source when 'clock' then $full_share else $full_valley_share end as hi
    from features as f
    left join accounts as a using (account_no)
),

established as (
    -- only for accounts found: the daily level in the same weeks last year (busy days, ± slack)
    -- and half a year away (± 45 days) against now; a load that drew as much then, with no new
    -- night shift since, is over a year old (a farmhouse's storage heater or dryer)
    select account_no,
           quantile_cont(kwh_total, 0.75) filter (where day > $as_of - $window_days) as busy_kwh,
           quantile_cont(kwh_total, 0.9) filter (
               where day > $as_of - 364 - $window_days - $season_slack_days
                 and day <= $as_of - 364 + $season_slack_days) as ly_kwh,
           count(*) filter (where day > $as_of - 364 - $window_days - $season_slack_days
                              and day <= $as_of - 364 + $season_slack_days) as ly_n,
           quantile_cont(kwh_total, 0.75) filter (
               where day > $as_of - 182 - 45 and day <= $as_of - 182 + 45) as off_kwh
    from (
        -- only the three windows the aggregates read, each a plain day range (the lake's row
        -- groups are pruned by their day statistics) and disjoint from the ones before it: the
        -- months between them would add at most a row of NULLs and a zero count (= no row)
        select account_no, day, kwh_total from power_readings_daily
        where day > $as_of - $window_days and day <= $as_of
          and day > $as_of - 364 - $window_days - $season_slack_days
        union all
        select account_no, day, kwh_total from power_readings_daily
        where day > $as_of - 364 - $window_days - $season_slack_days
          and day <= least($as_of - 364 + $season_slack_days, $as_of - $window_days)
        union all
        select account_no, day, kwh_total from power_readings_daily
        where day > greatest($as_of - 182 - 45, $as_of - 364 - $window_days - $season_slack_days)
          and day <= least($as_of - 182 + 45, $as_of - $window_days)
          and (day <= $as_of - 364 - $window_days - $season_slack_days
               or day > $as_of - 364 + $season_slack_days)
    )
    where account_no in (
            select account_no from judged
            where (share >= lo and night_kwh_day >= $min_night_kwh)
               or (share - share_before >= $min_rise and night_added_kwh >= $min_night_kwh))
      and kwh_total >= 0
    group by account_no
),

found as (
    -- the paths that flag an account, each as how far past its threshold it is (0–1)
    select
        m.site_id,
        j.*,
        coalesce(e.ly_n >= $min_days and e.ly_kwh >= $established_share * e.busy_kwh
                 and e.off_kwh >= $established_share * e.busy_kwh
                 and not (j.share_rose or j.night_added), false) as established,
        e.ly_kwh, e.off_kwh,
        case when j.share >= j.lo and j.night_kwh_day >= $min_night_kwh
             then least((j.share - j.lo) / (j.hi - j.lo), 1) end as level_part,
        greatest(
            -- a rise of the night share over the account's own recent past
            case when j.share_rose
                 then least((j.share - j.share_before - $min_rise) / ($full_rise - $min_rise), 1) end,
            -- a big load added mostly at night
            case when j.night_added
                 then least((j.added_night_share - $min_added_night_share)
                            / (1 - $min_added_night_share), 1) end) as new_part
    from judged as j
    join members as m using (account_no)
    left join established as e using (account_no)
    where (j.share >= j.lo and j.night_kwh_day >= $min_night_kwh) or j.share_rose or j.night_added
),

site_trade as (
    -- a registration of the site that names a night trade, or whose 经营范围 lists a licensed
    -- night-time activity (power_common.sql)
    select * from xhg_site_trade_words($night_trades, $night_scopes)
),

scored as (
    -- 0.3 at a path's threshold, 1 at its full value (70 %) and full_night_kwh (30 %, log scale:
    -- the night kWh a day, or those added for a new night load), times the discounts
    select
        *,
        greatest(
            case when level_part is not null then 0.3 + 0.7 * (0.7 * level_part + 0.3 * least(greatest(
                ln(night_kwh_day / $min_night_kwh) / ln($full_night_kwh / $min_night_kwh), 0), 1)) end,
            case when new_part is not null then 0.3 + 0.7 * (0.7 * new_part + 0.3 * least(greatest(
                ln(night_added_kwh / $min_night_kwh) / ln($full_night_kwh / $min_night_kwh), 0), 1)) end)
        * case when source = 'valley' then $proxy_weight else 1 end
        * case when trade_word is not null then $trade_discount else 1 end
        * case when follows_tariff then $tariff_discount else 1 end
        * case when dawn_trade then $dawn_discount else 1 end
        * case when established then $established_discount else 1 end as score
    from (
        select f.*,
               coalesce(f.account_trade, t.name_word, t.scope_word) as trade_word,
               xhg_trade_said(f.account_trade, t.name_word, t.scope_word) as trade_said
        from found as f
        left join site_trade as t using (site_id)
    )
),

best as (
    select * from scored
    qualify row_number() over (partition by site_id order by score desc, account_no) = 1
)

select
    site_id,
    'night_load' as detector,
    round(score, 3) as score,
    $as_of - ($window_days - 1) as period_start,
    $as_of as period_end,
    null as category_hint,
    '户号 ' || account_no || '：'
        || case source
            when 'clock' then
                '近' || days_n || '天夜间(' || $night_start_hour || '–' || $night_end_hour
                || '时)用电占 ' || format('{:.0f}', 100 * share) || '%，夜间日均 '
                || format('{:,.0f}', night_kwh_day) || ' kWh，夜间每小时负荷为白天的 '
                || format('{:.1f}', night_day_ratio) || ' 倍'
                || case when share_rose
                        then '；此前' || $before_days || '天夜间占比仅 '
                             || format('{:.0f}', 100 * share_before) || '%，夜间日均增加 '
                             || format('{:,.0f}', night_added_kwh) || ' kWh'
                        when night_added
                        then '；较此前' || $before_days || '天夜间日均增加 '
                             || format('{:,.0f}', night_added_kwh) || ' kWh，占新增电量的 '
                             || format('{:.0f}', 100 * added_night_share) || '%，似新上装置夜间运行'
                        else '' end
            else
                '无分时数据；近' || days_n || '天谷段电量占 ' || format('{:.0f}', 100 * share)
                || '%，谷段日均 ' || format('{:,.0f}', night_kwh_day)
                || ' kWh（弱指标：谷段不等于夜间）'
        end
        || case when trade_word is not null
                then '；' || trade_said || '，夜间用电属该行业常见' else '' end
        || case when follows_tariff
                then '；午间谷段(' || $midday_valley_start || '–' || $midday_valley_end
                     || '时)负荷也偏高，似按谷电错峰用电' else '' end
        || case when dawn_trade
                then '；负荷自凌晨起并延续到早晨，似早点/面包/豆腐等凌晨作业' else '' end
        || case when established
                then '；去年同期日用电 ' || format('{:,.0f}', ly_kwh) || ' kWh、半年前 '
                     || format('{:,.0f}', off_kwh) || ' kWh，此负荷已持续一年以上' else '' end as reason,
    json_object(
        'account_no', account_no, 'source', source, 'days', days_n,
        'night_share', round(share, 3), 'night_kwh_per_day', round(night_kwh_day, 1),
        'night_day_ratio', round(night_day_ratio, 2), 'share_before', round(share_before, 3),
        'night_added_kwh', round(night_added_kwh, 1), 'added_night_share', round(added_night_share, 3),
        'midday_ratio', round(midday_ratio, 2),
        'dawn_trade', dawn_trade, 'trade_word', trade_word, 'established', established
    )::varchar as facts
from best
order by score desc, site_id
