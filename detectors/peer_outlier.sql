-- peer_outlier: accounts unusual within their tariff class, by robust z-scores (median/MAD)
-- over load-shape features, counted only in the suspicious direction.
-- Windows: recent = (as_of - window_days, as_of], prior = the baseline_days before it.
with

members as (
    select site_id, member_key as account_no
    from site_members
    where member_kind = 'power_account'
),

accounts as (
    select account_no, tariff_class from power_accounts where tariff_class is not null
),

caps as (
    -- readings beyond what the connection can carry are data errors (power_common.sql)
    select * from xhg_reading_caps($absurd_kva_factor)
),

daily as (
    select account_no, day, kwh_total as kwh, kwh_valley
    from power_readings_daily
    left join caps using (account_no)
    where (caps.max_day_kwh is null or kwh_total <= caps.max_day_kwh)
      and day > $as_of - $window_days - $baseline_days and day <= $as_of
      and kwh_total >= 0
),

daily_features as materialized (
    select
        account_no,
        median(kwh) filter (where day > $as_of - $window_days) as level_kwh,
        median(kwh) filter (where day <= $as_of - $window_days) as prior_kwh,
        -- weekend kWh per day over weekday kWh per day (1 = works the week through)
        avg(kwh) filter (where day > $as_of - $window_days and isodow(day) >= 6)
            / nullif(avg(kwh) filter (where day > $as_of - $window_days and isodow(day) < 6), 0)
            as weekend_ratio,
        stddev_pop(kwh) filter (where day > $as_of - $window_days)
            / nullif(avg(kwh) filter (where day > $as_of - $window_days), 0) as day_cv,
        sum(kwh_valley) filter (where day > $as_of - $window_days)
            / nullif(sum(kwh) filter (where day > $as_of - $window_days and kwh_valley is not null), 0)
            as valley_share,
        count(*) filter (where day > $as_of - $window_days) as days_n,
        count(*) filter (where day <= $as_of - $window_days) as prior_n
    from daily
    group by account_no
    having count(*) filter (where day > $as_of - $window_days) >= $min_days
),

last_year as (
    -- busy days of the same weeks last year, for accounts that grew (growth into a recurring
    -- season — irrigation, heating — is no growth) and those big enough to be judged (a load
    -- as big a year ago is established)
    select d.account_no, quantile_cont(d.kwh_total, 0.9) as ly_kwh, count(*) as ly_n
    from power_readings_daily as d
    semi join (select account_no from daily_features
               where level_kwh > prior_kwh or level_kwh >= $min_kwh) using (account_no)
    where d.day > $as_of - 364 - $window_days - $season_slack_days
      and d.day <= $as_of - 364 + $season_slack_days and d.kwh_total >= 0
    group by d.account_no
),

night as (
    -- clock-night share from interval readings, where there are any
    select
        account_no,
        sum(kwh) filter (where case when $night_start_hour > $night_end_hour
                                    then hour(ts) >= $night_start_hour or hour(ts) < $night_end_hour
                                    else hour(ts) >= $night_start_hour and hour(ts) < $night_end_hour end)
            / nullif(sum(kwh), 0) as night_share
    from power_readings_interval
    left join caps using (account_no)
    where ts >= $as_of - ($window_days - 1) and ts < $as_of + 1 and kwh >= 0
      and (caps.max_interval_kwh is null or kwh <= caps.max_interval_kwh)
    group by account_no
),

features as materialized (
    -- one row per account and feature, oriented so that high = suspicious
    unpivot (
        select
            d.account_no,
            a.tariff_class,
            d.level_kwh,
            ln(1 + d.level_kwh) as level,
            -- growth over the prior weeks, no more than over last year's busy days in the same
            -- weeks; a decline is not suspicious, so it counts as none (0)
            case when d.prior_n >= $min_days
                 then greatest(least(ln((1 + d.level_kwh) / (1 + d.prior_kwh)),
                                     coalesce(ln((1 + d.level_kwh)
                                              / (1 + case when y.ly_n >= 7 then y.ly_kwh end)), 100)),
                          0) end
                as growth,
            d.weekend_ratio as weekend,
            -d.day_cv as steadiness,
            n.night_share as night,
            -- 谷 share only where no interval data: a different scale (the valley is not night),
            -- and only where the valley is mostly night (detectors/tou.py: a midday valley would
            -- make every day shop stand out)
            case when n.night_share is null and xhg_valley_is_night() then d.valley_share end as valley
        from daily_features as d
        left join last_year as y using (account_no)
        join accounts as a using (account_no)
        left join night as n using (account_no)
    )
    on level, growth, weekend, steadiness, night, valley
    into name feature value x
),

peers as (
    select tariff_class, feature, median(x) as med, count(*) as peers_n
    from features
    group by all
    having count(*) >= $min_peers
),

spread as (
    -- MAD, scaled to a standard deviation, floored so a class of identical values is no crash
    select f.tariff_class, f.feature, p.med, p.peers_n,
           greatest(1.4826 * median(abs(f.x - p.med)), $min_spread) as mad
    from features as f
    join peers as p using (tariff_class, feature)
    group by all
),

z as (
    select f.account_no, f.tariff_class, f.feature, f.x, f.level_kwh, s.med, s.peers_n,
           least(greatest((f.x - s.med) / s.mad, 0), $max_z) as z
    from features as f
    join spread as s using (tariff_class, feature)
    where list_contains($scored_features, f.feature)
),

combined as (
    select
        account_no,
        any_value(tariff_class) as tariff_class,
        any_value(level_kwh) as level_kwh,
        -- the class's accounts compared on any feature (a feature some lack, the night share
        -- without interval readings, has fewer: any_value would say either, run to run)
        max(peers_n) as peers_n,
        sqrt(sum(z * z)) as z_all,
        string_agg(
            case feature
                when 'level' then '用电水平 ' || format('{:,.0f}', exp(x) - 1) || ' kWh/日（同类中位 '
                                  || format('{:,.0f}', exp(med) - 1) || '）'
                when 'growth' then '近期增长 ' || format('{:.1f}', exp(x)) || ' 倍（同类中位 '
                                   || format('{:.1f}', exp(med)) || ' 倍）'
                when 'weekend' then '周末/工作日用电比 ' || format('{:.2f}', x) || '（同类中位 '
                                    || format('{:.2f}', med) || '）'
                when 'steadiness' then '逐日波动系数 ' || format('{:.2f}', -x) || '（同类中位 '
                                       || format('{:.2f}', -med) || '）'
                when 'night' then '夜间(' || $night_start_hour || '–' || $night_end_hour || '时)用电占比 '
                                  || format('{:.0f}', 100 * x) || '%（同类中位 '
                                  || format('{:.0f}', 100 * med) || '%）'
                when 'valley' then '谷段电量占比 ' || format('{:.0f}', 100 * x) || '%（同类中位 '
                                   || format('{:.0f}', 100 * med) || '%）'
            end || ' z=' || format('{:.1f}', z), '；' order by z desc)
            filter (where z >= $name_z) as named,
        -- (ordered by feature: json_group_object's key order varies from run to run)
        to_json(map_from_entries(list({'k': feature, 'v': round(z, 2)} order by feature))) as z_json
    from z
    group by account_no
),

established as (
    -- the same weeks last year drew established_share of today's level already: an odd load
    -- that is over a year old (a big farm's fans, a mill) comes after what is new
    select account_no, ly_kwh
    from last_year
    join daily_features using (account_no)
    where ly_n >= $min_days and ly_kwh >= $established_share * level_kwh
),

scored as (
    select
        m.site_id,
        c.*,
        e.ly_kwh,
        (0.3 + 0.7 * least((c.z_all - $min_z) / ($full_z - $min_z), 1))
            * case when e.account_no is null then 1 else $established_discount end as score
    from combined as c
    join members as m using (account_no)
    left join established as e using (account_no)
    where c.z_all >= $min_z and c.level_kwh >= $min_kwh and c.named is not null
),

best as (
    select * from scored
    qualify row_number() over (partition by site_id order by score desc, account_no) = 1
)

select
    site_id,
    'peer_outlier' as detector,
    round(score, 3) as score,
    $as_of - ($window_days - 1) as period_start,
    $as_of as period_end,
    null as category_hint,
    '户号 ' || account_no || '：在' || tariff_class || '户（' || peers_n || '户）中用电形态异常：'
        || named
        || case when ly_kwh is not null
                then '；去年同期较高日用电 ' || format('{:,.0f}', ly_kwh) || ' kWh，此形态已持续一年以上'
                else '' end as reason,
    json_object('account_no', account_no, 'tariff_class', tariff_class, 'peers', peers_n,
                'z_combined', round(z_all, 2), 'z', z_json,
                'established', ly_kwh is not null)::varchar as facts
from best
order by score desc, site_id
