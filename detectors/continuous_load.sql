-- continuous_load: a flat load around the clock and through the week, as reactors draw,
-- judged against what the account's class and registered trade lead one to expect.
-- Window: days (as_of - window_days, as_of] of interval readings.
with

members as (
    select site_id, member_kind, member_key
    from site_members
    where member_kind in ('power_account', 'registry', 'permit')
),

accounts as (
    select account_no, account_name, tariff_class, uscc from power_accounts
),

registry as (
    select uscc, name, scope, industry_code from registry
),

permits as (
    select permit_no, uscc from permits where valid_until >= $as_of
),

caps as (
    -- readings beyond what the connection can carry are data errors (power_common.sql)
    select * from xhg_reading_caps($absurd_kva_factor)
),

readings as not materialized (
    -- interval kWh (any interval length); negative values and values beyond the connection
    -- are errors
    select account_no, ts, kwh
    from power_readings_interval
    left join caps using (account_no)
    where ts >= $as_of - ($window_days - 1) and ts < $as_of + 1 and kwh >= 0
      and (caps.max_interval_kwh is null or kwh <= caps.max_interval_kwh)
),

days as (
    -- whole days only, as a day missing hours would look like variation: every clock hour
    -- read, and a multiple of 24 readings (15-, 30- and 60-minute meters alike)
    select account_no, ts::date as day, sum(kwh) as day_kwh
    from readings
    group by all
    having min(hour(ts)) = 0 and max(hour(ts)) = 23 and count(*) % 24 = 0
),

shape as (
    -- mean kWh per reading by clock hour: a profile that gaps do not bias
    select account_no, hour(ts) as h, avg(kwh) as hour_kwh
    from readings
    semi join days using (account_no)
    group by all
),

flatness as (
    select
        d.account_no,
        d.days_n,
        d.day_kwh,
        d.day_cv,
        s.hour_cv,
        s.min_hour_share
    from (
        select account_no, count(*) as days_n, avg(day_kwh) as day_kwh,
               stddev_pop(day_kwh) / nullif(avg(day_kwh), 0) as day_cv
        from days
        group by account_no
        having count(*) >= $min_days
    ) as d
    join (
        select account_no, stddev_pop(hour_kwh) / nullif(avg(hour_kwh), 0) as hour_cv,
               min(hour_kwh) / nullif(avg(hour_kwh), 0) as min_hour_share
        from shape
        group by account_no
    ) as s using (account_no)
    where d.day_kwh >= $min_kwh and s.hour_cv <= $max_hour_cv and d.day_cv <= $max_day_cv
),

context as (
    -- what is expected: a licensed plant, a 24-hour trade, a big-industry tariff
    select
        f.*,
        m.site_id,
        a.tariff_class,
        a.account_name,
        exists (select 1 from members as p join permits as q on p.member_key = q.permit_no
                where p.site_id = m.site_id and p.member_kind = 'permit')
            or exists (select 1 from permits as q where q.uscc = a.uscc) as licensed,
        (select string_agg(distinct r.name || '（' || coalesce(left(r.scope, 30), '') || '）', '；'
                            order by r.name || '（' || coalesce(left(r.scope, 30), '') || '）')
         from members as x join registry as r on x.member_kind = 'registry' and r.uscc = x.member_key
         where x.site_id = m.site_id) as reg_text,
        -- a 24-hour trade named on the account, else on a registration of the site or in its
        -- 经营范围 (a farm's meter is often in the farmer's own name): power_common.sql
        (select string_agg(k, '、' order by k) from unnest($continuous_trades) as t(k)
         where contains(coalesce(a.account_name, ''), k)) as account_trade,
        tw.name_word, tw.scope_word,
        -- registered for services or trade only: no production should draw like a reactor
        exists (select 1 from members as x
                join registry as r on x.member_kind = 'registry' and r.uscc = x.member_key
                where x.site_id = m.site_id
                  and exists (select 1 from unnest($service_words) as t(k)
                              where contains(r.name || coalesce(r.scope, ''), k))
                  and not regexp_matches(coalesce(r.scope, ''), '生产|制造|加工')) as service_only
    from flatness as f
    join members as m on m.member_kind = 'power_account' and m.member_key = f.account_no
    left join accounts as a using (account_no)
    left join xhg_site_trade_words($continuous_trades, $continuous_scopes) as tw on tw.site_id = m.site_id
),

worded as (
    select * exclude (account_trade, name_word, scope_word),
           coalesce(account_trade, name_word, scope_word) as trade_word,
           xhg_trade_said(account_trade, name_word, scope_word) as trade_said
    from context
),

scored as (
    select
        *,
        (0.3 + 0.7 * (
            0.6 * least(greatest(1 - greatest(hour_cv / $max_hour_cv, day_cv / $max_day_cv), 0)
                        / (1 - $full_flat), 1)
            + 0.4 * least(greatest(ln(day_kwh / $min_kwh) / ln($full_kwh / $min_kwh), 0), 1)))
        * case when licensed then $licensed_factor
               when trade_word is not null then $trade_factor
               when service_only then 1
               when tariff_class = '大工业用电' then $big_industry_factor
               when tariff_class in ('居民生活用电', '农业生产用电') then 1
               else $commercial_factor end as score
    from worded
),

best as (
    select * from scored
    qualify row_number() over (partition by site_id order by score desc, account_no) = 1
)

select
    site_id,
    'continuous_load' as detector,
    round(score, 3) as score,
    $as_of - ($window_days - 1) as period_start,
    $as_of as period_end,
    null as category_hint,
    '户号 ' || account_no || '：近' || days_n || '个完整日昼夜连续平稳用电，日均 '
        || format('{:,.0f}', day_kwh) || ' kWh（各时段负荷变异系数 ' || format('{:.2f}', hour_cv)
        || '，逐日变异系数 ' || format('{:.2f}', day_cv) || '，最低时段为平均的 '
        || format('{:.0f}', 100 * min_hour_share) || '%）；用电类别 ' || coalesce(tariff_class, '未知')
        || case when licensed then '；持有效危化品许可，连续生产属正常'
                when trade_word is not null then '；' || trade_said || '，连续用电属该行业常见'
                when service_only then '；登记为非生产类（' || reg_text || '），却如反应装置般连续用电'
                when reg_text is not null then '；登记：' || reg_text
                else '；无关联工商登记' end as reason,
    json_object(
        'account_no', account_no, 'days', days_n, 'kwh_per_day', round(day_kwh, 1),
        'hour_cv', round(hour_cv, 3), 'day_cv', round(day_cv, 3),
        'min_hour_share', round(min_hour_share, 3), 'tariff_class', tariff_class,
        'licensed', licensed, 'trade_word', trade_word, 'service_only', service_only
    )::varchar as facts
from best
where score > 0
order by score desc, site_id
