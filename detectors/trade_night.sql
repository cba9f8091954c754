-- trade_night: the night load of a registered firm's account, against the firms of its own
-- registered trade (industry code): a feed mill drawing a third of its day load at night while
-- the county's other feed mills draw a tenth runs something through the night.
-- Window: interval readings of the days (as_of - window_days, as_of].
with

trades as (
    -- every trade of the firms at a site (a 厂中厂 site has several): a 4-digit class, or a
    -- 3-digit group where a firm without a registered code names no finer trade
    select distinct m.site_id, t.trade_code as code, t.code_source, r.name as firm
    from site_members as m
    join registry as r on r.uscc = m.member_key
    join xhg_registry_trades() as t on t.uscc = m.member_key
    where m.member_kind = 'registry' and regexp_full_match(t.trade_code, '[0-9]{3,4}')
),

members as (
    select m.site_id, m.member_key as account_no, a.account_name
    from site_members as m
    join power_accounts as a on a.account_no = m.member_key
    semi join trades as t using (site_id)
    where m.member_kind = 'power_account'
),

caps as (
    -- readings beyond what the connection can carry are data errors (power_common.sql)
    select * from xhg_reading_caps($absurd_kva_factor)
),

clock as (
    -- mean kWh per reading in the night and in weekday working hours: with one interval
    -- length per account, their ratio is the ratio of hourly loads
    select
        account_no,
        avg(kwh) filter (where case when $night_start_hour > $night_end_hour
                                    then hour(ts) >= $night_start_hour or hour(ts) < $night_end_hour
                                    else hour(ts) >= $night_start_hour and hour(ts) < $night_end_hour end)
            as night_kwh,
        avg(kwh) filter (where hour(ts) >= $day_start_hour and hour(ts) < $day_end_hour
                               and isodow(ts) < 6) as day_kwh,
        -- readings per hour, to state loads in kWh per hour
        count(*) / greatest(date_diff('hour', min(ts), max(ts)) + 1, 1) as per_hour,
        date_diff('day', min(ts), max(ts)) + 1 as days
    from power_readings_interval
    left join caps using (account_no)
    where ts >= $as_of - ($window_days - 1) and ts < $as_of + 1 and kwh >= 0
      and (caps.max_interval_kwh is null or kwh <= caps.max_interval_kwh)
    group by account_no
),

owned as (
    -- the accounts a firm of the site holds: in a firm's name, a person's (the boss's, a
    -- landlord's) or none; a meter named for another body (a mobile operator's base station)
    -- is not a firm's load. A night trade named on the meter or on any firm of the site works
    -- at night whatever industry code it registered
    select m.site_id, m.account_no
    from members as m
    join trades as t using (site_id)
    group by all
    having bool_or(coalesce(m.account_name, '') = '' or length(m.account_name) <= $person_name_chars
                   or contains(m.account_name, t.firm) or contains(t.firm, m.account_name))
       and not bool_or(list_bool_or([contains(coalesce(m.account_name, '') || t.firm, w)
                                     for w in $night_trades]))
       -- … or a licensed night-time activity in a firm's 经营范围 (an internet café registered
       -- as 某某网络科技有限公司 under a software code says 互联网上网服务 only there)
       and m.site_id not in (select site_id from xhg_site_trade_words([]::varchar[], $night_scopes))
),

shapes as (
    -- each held account once per trade at its site (a 厂中厂 landlord's meter feeds its
    -- tenants too), with its night/day ratio
    select distinct o.site_id, o.account_no, t.code, t.code_source,
           c.night_kwh * c.per_hour as night_kwh_h, c.day_kwh * c.per_hour as day_kwh_h,
           c.night_kwh / c.day_kwh as ratio
    from owned as o
    join trades as t using (site_id)
    join clock as c using (account_no)
    where c.days >= $min_days and c.day_kwh > 0 and c.night_kwh is not null
),

peers as (
    -- the ratio most firms of a trade stay under: an upper quantile, not the median — a trade
    -- holds day-shift shops and firms with a night guard or a fridge. Per 4-digit trade and
    -- per 3-digit group (all its trades' accounts)
    select code as peer_group, count(*) as peers_n, median(ratio) as med,
           quantile_cont(ratio, $peer_quantile) as q_hi
    from (select distinct account_no, code, ratio from shapes where length(code) = 4)
    group by code
    having count(*) >= $min_peers
    union all
    select left(code, 3), count(*), median(ratio), quantile_cont(ratio, $peer_quantile)
    from (select distinct account_no, left(code, 3) as code, ratio from shapes)
    group by 1
    having count(*) >= $min_peers
),

judged as (
    -- each account against its trade, or the trade's group where the trade has fewer than
    -- min_peers; against every trade of its site, of which the least unusual counts (a
    -- tenant's night trade explains the landlord's meter)
    select s.site_id, s.account_no, s.code, s.code_source, p.peer_group,
           s.night_kwh_h, s.day_kwh_h, s.ratio,
           p.med, p.q_hi, p.peers_n, s.ratio / p.q_hi as rel,
           s.night_kwh_h - p.q_hi * s.day_kwh_h as excess_kwh_h
    from shapes as s
    left join peers as p4 on p4.peer_group = s.code
    join peers as p on p.peer_group = coalesce(p4.peer_group, left(s.code, 3))
    where p.q_hi > 0
    -- (the same code filed by one firm and read from another's name: the filed one speaks)
    qualify row_number() over (partition by s.site_id, s.account_no
                               order by s.ratio / p.q_hi, s.code, s.code_source <> '登记', s.code_source) = 1
),

scored as (
    select j.*, 0.3 + 0.7 * least((j.rel - $min_rel) / ($full_rel - $min_rel), 1) as score
    from judged as j
    where j.rel >= $min_rel and j.excess_kwh_h >= $min_excess_kwh_h
),

best as (
    select * from scored
    qualify row_number() over (partition by site_id order by score desc, account_no) = 1
)

select
    site_id,
    'trade_night' as detector,
    round(score, 3) as score,
    $as_of - ($window_days - 1) as period_start,
    $as_of as period_end,
    null as category_hint,  -- the site's make-up decides: an active firm 2, a revoked one's idle plant 3
    '户号 ' || account_no || '：夜间(' || $night_start_hour || '–' || $night_end_hour || '时)每小时 '
        || format('{:,.1f}', night_kwh_h) || ' kWh，为工作日白天('
        || $day_start_hour || '–' || $day_end_hour || '时) ' || format('{:,.1f}', day_kwh_h)
        || ' kWh 的 ' || format('{:.0f}', 100 * ratio) || '%；同行业（'
        || case when length(peer_group) = 4 then '行业代码 ' || code else '行业中类 ' || peer_group || '*' end
        || case code_source when '名称' then '，据企业名称推断' when '经营范围' then '，据经营范围推断' else '' end
        || '，' || peers_n || ' 户）中位 ' || format('{:.0f}', 100 * med) || '%、'
        || format('{:.0f}', 100 * $peer_quantile) || '% 不超过 ' || format('{:.0f}', 100 * q_hi)
        || '%；夜间比同行多用约 ' || format('{:,.1f}', excess_kwh_h) || ' kWh/时' as reason,
    json_object('account_no', account_no, 'industry_code', code, 'code_source', code_source,
                'peer_group', peer_group,
                'peers', peers_n, 'night_kwh_h', round(night_kwh_h, 2),
                'day_kwh_h', round(day_kwh_h, 2), 'ratio', round(ratio, 3),
                'peer_median', round(med, 3), 'peer_quantile', round(q_hi, 3),
                'excess_kwh_h', round(excess_kwh_h, 2))::varchar as facts
from best
order by score desc, site_id
