-- wrong_class: industrial-level or three-phase (动力电) load on a residential or agricultural
-- account, or under a person's name. Window: days (as_of - window_days, as_of].
with

members as (
    select site_id, member_key as account_no
    from site_members
    where member_kind = 'power_account'
),

accounts as (
    select
        account_no, account_name, tariff_class, three_phase, contract_kva,
        -- a person (after the village, when the name gives it): sources/normalise.sql
        xhg_person_name(account_name) as person_named,
        -- an irrigation pump named as such: pumps draw hard on farm accounts by design
        (select string_agg(k, '、' order by k) from unnest($pump_words) as t(k)
         where contains(coalesce(account_name, ''), k)) as pump_word,
        -- a farm named as such: sheds and greenhouses draw all year
        (select string_agg(k, '、' order by k) from unnest($farm_words) as t(k)
         where contains(coalesce(account_name, ''), k)) as farm_word
    from power_accounts
),

recent as (
    -- the busy-day level (75th percentile: workshops run some days only) and the median, of
    -- accounts of a class or name that should not carry a workshop
    select
        d.account_no,
        any_value(a.kind) as kind,
        any_value(a.lo_kwh) as lo_kwh,
        count(*) as days_n,
        quantile_cont(d.kwh_total, 0.75) as busy_kwh,
        median(d.kwh_total) as median_kwh
    from power_readings_daily as d
    join (
        select
            account_no,
            kind,
            case kind when 'residential' then $residential_kwh
                      when 'agricultural' then $agricultural_kwh else $person_kwh end
                -- 动力电 is itself what the notices ask to list; single-phase needs more load
                * case when three_phase then 1 else $single_phase_factor end as lo_kwh
        from (
            select
                *,
                case when tariff_class = '居民生活用电' then 'residential'
                     when tariff_class = '农业生产用电' then 'agricultural'
                     when person_named then 'person' end as kind
            from accounts
        )
        where kind is not null
    ) as a using (account_no)
    where d.day > $as_of - $window_days and d.day <= $as_of and d.kwh_total >= 0
    group by d.account_no
    having count(*) >= $min_days and quantile_cont(d.kwh_total, 0.75) >= any_value(a.lo_kwh)
),

history as (
    -- only for the accounts found: the same weeks last year and half a year away
    select
        d.account_no,
        -- the same weeks last year, busy days: heating and irrigation recur
        quantile_cont(d.kwh_total, 0.9) filter (
            where d.day > $as_of - 364 - $window_days - $season_slack_days
              and d.day <= $as_of - 364 + $season_slack_days) as ly_kwh,
        count(*) filter (where d.day > $as_of - 364 - $window_days - $season_slack_days
                           and d.day <= $as_of - 364 + $season_slack_days) as ly_n,
        -- half a year away (± 45 days): a workshop draws then too, heating and irrigation not
        quantile_cont(d.kwh_total, 0.75) filter (
            where d.day > $as_of - 182 - 45 and d.day <= $as_of - 182 + 45) as off_kwh
    from power_readings_daily as d
    semi join recent using (account_no)
    where d.day > $as_of - 364 - $window_days - $season_slack_days
      and d.day <= $as_of - 182 + 45 and d.kwh_total >= 0
    group by d.account_no
),

thresholds as (
    select
        a.*,
        r.* exclude (account_no),
        h.ly_kwh,
        h.off_kwh,
        h.ly_n >= 7 and h.ly_kwh >= $season_share * r.busy_kwh
            and coalesce(h.off_kwh, 0) < $season_share * r.busy_kwh as seasonal,
        coalesce(h.off_kwh >= $season_share * r.busy_kwh, false) as year_round,
        coalesce(h.ly_n >= 7 and h.ly_kwh >= $established_share * r.busy_kwh
                 and h.off_kwh >= $established_share * r.busy_kwh, false) as established
    from recent as r
    join accounts as a using (account_no)
    left join history as h using (account_no)
),

scored as (
    select
        m.site_id,
        t.*,
        (1 - (1 - (0.3 + 0.7 * least(ln(t.busy_kwh / t.lo_kwh) / ln($full_factor), 1)))
             * (1 - case when t.kind = 'residential' and t.three_phase then $three_phase_bonus
                         when t.kind <> 'person' and t.person_named then $person_bonus
                         else 0 end))
        * case when t.seasonal then $season_discount else 1 end
        * case when t.kind = 'agricultural' and t.pump_word is not null
               then $pump_discount else 1 end
        * case when t.kind = 'agricultural' and t.farm_word is not null and t.year_round
               then $farm_discount
               when t.established then $established_discount else 1 end as score
    from thresholds as t
    join members as m using (account_no)
    where t.busy_kwh >= t.lo_kwh
),

best as (
    select * from scored
    qualify row_number() over (partition by site_id order by score desc, account_no) = 1
)

select
    site_id,
    'wrong_class' as detector,
    round(score, 3) as score,
    $as_of - ($window_days - 1) as period_start,
    $as_of as period_end,
    case when kind in ('residential', 'person') then '3' end as category_hint,
    '户号 ' || account_no || '：' || coalesce(tariff_class, '未知类别') || '户'
        || case when three_phase then '（动力电）' else '' end
        || case when person_named then '，户名为个人（' || account_name || '）' else '' end
        || '，近' || days_n || '天用电较多日(75分位) ' || format('{:,.0f}', busy_kwh)
        || ' kWh，日用电中位数 ' || format('{:,.0f}', median_kwh) || ' kWh，达工业用电水平（此类户 '
        || format('{:,.0f}', lo_kwh) || ' kWh 已属偏高）'
        || case when kind = 'agricultural' and pump_word is not null
                then '；户名含「' || pump_word || '」，为灌溉用电' else '' end
        || case when kind = 'agricultural' and farm_word is not null and year_round
                then '；户名含「' || farm_word || '」且全年用电相近，多为在营农业生产' else '' end
        || case when seasonal then '；去年同期也有类似用电（' || format('{:,.0f}', ly_kwh)
                                   || ' kWh，半年前仅 ' || format('{:,.0f}', coalesce(off_kwh, 0))
                                   || ' kWh，可能为采暖或灌溉）'
                when established
                    then '；去年同期 ' || format('{:,.0f}', ly_kwh) || ' kWh、半年前 '
                         || format('{:,.0f}', off_kwh) || ' kWh，已持续一年以上'
                when off_kwh >= $season_share * busy_kwh
                    then '；半年前也达 ' || format('{:,.0f}', off_kwh) || ' kWh，全年持续' else '' end as reason,
    json_object(
        'account_no', account_no, 'tariff_class', tariff_class, 'three_phase', three_phase,
        'person_named', person_named, 'busy_kwh', round(busy_kwh, 1),
        'median_kwh', round(median_kwh, 1), 'threshold_kwh', lo_kwh,
        'last_year_kwh', round(ly_kwh, 1), 'half_year_ago_kwh', round(off_kwh, 1), 'seasonal', seasonal,
        'established', established
    )::varchar as facts
from best
order by score desc, site_id
