-- factory_in_factory (厂中厂): a firm's site with power accounts or registrations under other
-- names, especially a person's name, three-phase, night-heavy or opened lately.
with

members as (
    select site_id, member_kind, member_key from site_members
),

registrations as (
    select m.site_id, r.uscc, r.name, r.founded_on, r.legal_rep
    from members as m
    join registry as r on m.member_kind = 'registry' and m.member_key = r.uscc
    where r.status_class in ('active', 'suspended')
),

accounts as (
    select m.site_id, a.account_no, a.account_name as name, a.tariff_class, a.three_phase,
        a.contract_kva, a.opened_on
    from members as m
    join power_accounts as a on m.member_kind = 'power_account' and m.member_key = a.account_no
    where a.closed_on is null or a.closed_on > $as_of
),

interval_in as (
    select account_no, ts, kwh from power_readings_interval
    where ts >= $as_of::date - interval ($recent_days) day and ts < $as_of::date + interval 1 day
),

-- a name without region prefix and legal form: 夏县盐池源饲料有限公司 → 盐池源饲料
named as (
    select site_id, 'registry' as kind, uscc as key, name, founded_on as since,
        null::varchar as tariff_class, null::boolean as three_phase, null::double as contract_kva
    from registrations
    union all
    select site_id, 'power_account', account_no, name, opened_on, tariff_class, three_phase, contract_kva
    from accounts
),

cored as (
    select
        *,
        regexp_replace(regexp_replace(trim(name),
            '^(中国)?([^省市县区]{1,4}省)?([^省市县区]{1,4}市)?([^省市县区]{1,4}[县区])?', ''),
            '(有限责任公司|股份有限公司|有限公司|分公司|公司|厂|经营部|门市部|合作社)$', '') as core,
        xhg_person_name(name) as is_person
    from named
),

-- the host: the registered firm(s) of the site, or a firm-named account where none is registered
hosts as (
    select site_id, core, name, since from cored where kind = 'registry'
    union all
    select c.site_id, c.core, c.name, c.since from cored as c
    where c.kind = 'power_account' and not c.is_person
        and not exists (select 1 from cored as r where r.site_id = c.site_id and r.kind = 'registry')
),

-- names that are the host's own: its cores and its legal representative (the owner's meter)
host_aliases as (
    select site_id, core from hosts
    union
    select site_id, trim(legal_rep) from registrations where legal_rep is not null
),

host_sites as (
    select site_id, min(since) as host_since, string_agg(distinct name, '、' order by name) as host_names
    from hosts
    group by site_id
),

-- clock night 22:00–06:00, read only for accounts of sites that have a host
night as (
    select
        i.account_no,
        sum(i.kwh) filter (where hour(i.ts) >= 22 or hour(i.ts) < 6) / nullif(sum(i.kwh), 0)
            as night_share
    from interval_in as i
    where i.account_no in (select a.account_no from accounts as a join host_sites as h using (site_id))
    group by i.account_no
),

-- members under a name that is none of the host's (either name containing the other is the same)
extras as (
    select c.*, g.night_share, h.host_since, h.host_names
    from cored as c
    join host_sites as h using (site_id)
    left join night as g on g.account_no = case when c.kind = 'power_account' then c.key end
    where not exists (
        select 1 from host_aliases as o
        where o.site_id = c.site_id and length(c.core) >= 2 and length(o.core) >= 2
            and (contains(o.core, c.core) or contains(c.core, o.core))
    )
        -- a base station, street light or water pump on the premises is infrastructure
        and not regexp_matches(c.name, $infrastructure_pattern)
),

extra_scores as (
    select
        *,
        least(0.95,
            (case when is_person then $person_base else $other_base end)
            + (case when three_phase then $three_phase_bonus else 0 end)
            + $night_bonus * least(1.0, greatest(0.0, (coalesce(night_share, 0) - $day_night_share)
                / ($full_night_share - $day_night_share)))
            + (case when since > host_since and since > $as_of::date - interval ($recent_open_days) day
                then $recent_open_bonus else 0 end)
        ) as s_extra,
        -- a residential account is a dormitory or the owner's home (a shop-house: the family
        -- lives behind the shop), unless its night says otherwise: night-heavy, or on 动力电
        -- with more of its use at night than a household's
        kind = 'registry' or coalesce(tariff_class, '') not like '%居民%'
            or coalesce(night_share, 0) >= $full_night_share
            or (coalesce(three_phase, false) and coalesce(night_share, 0) >= $day_night_share)
            as plausible
    from extras
),

site_scores as (
    select
        site_id,
        any_value(host_names) as host_names,
        1 - product(1 - s_extra) as raw_score,
        count(*) as n_extra,
        (select count(distinct core) from cored as c where c.site_id = e.site_id) as n_names,
        string_agg(
            name || '（' || case when kind = 'registry' then '另一登记主体'
                else '户号 ' || key || coalesce('，' || tariff_class, '')
                    || case when three_phase then '，动力电' else '' end
                    || coalesce('，夜间用电占 ' || format('{:.0f}', 100 * night_share) || '%', '')
                    || coalesce('，' || strftime(since, '%Y-%m') || ' 立户', '') end
            || case when is_person then '，个人名义' else '' end || '）',
            '；' order by s_extra desc, key) as extra_list,
        list({'kind': kind, 'key': key, 'name': name, 'person': is_person,
              'night_share': round(night_share, 3), 's': round(s_extra, 3)} order by s_extra desc, key)
            as extra_facts
    from extra_scores as e
    where plausible and s_extra >= $min_extra_score
    group by site_id
)

select
    site_id,
    'factory_in_factory' as detector,
    -- many names at one place is a shared building or park, not a hidden workshop
    round(raw_score * (case when n_names > $crowded_names then $crowded_factor else 1.0 end), 4) as score,
    ($as_of::date - interval ($recent_days) day)::date as period_start,
    $as_of::date as period_end,
    '4' as category_hint,
    '场所主体 ' || host_names || '；另有 ' || n_extra || ' 个其他名义的户号/主体：' || extra_list as reason,
    json_object('host_names', host_names, 'n_extra', n_extra, 'n_names', n_names,
        'extras', extra_facts)::varchar as facts
from site_scores
where raw_score * (case when n_names > $crowded_names then $crowded_factor else 1.0 end) >= $min_score
order by site_id
