-- Evidence -> per-detector parts -> per-site risk. Points are 0-100 scale units.

-- name: parts
create or replace table score_parts as
with
evidence as (
    select site_id, detector, score, category_hint, reason, period_start, period_end
    from evidence
    where score > 0
),

strongest as (
    -- one finding per site and detector: its strongest
    select site_id, detector,
           max(score) as score,
           -- ties broken by the text, so a rerun reads the same
           first(reason order by score desc, reason) as reason,
           first(category_hint order by score desc, reason) as category_hint
    from evidence
    group by site_id, detector
),

weighed as (
    select s.site_id, s.detector,
           coalesce(w.family, 'other') as family,
           coalesce(w.label, s.detector) as label,
           coalesce(w.fact, s.detector) as fact,
           s.score,
           round(100 * coalesce(w.weight, $default_weight) * s.score, 1) as points,
           s.category_hint, s.reason
    from strongest as s
    left join _weights as w using (detector)
),

ranked as (
    -- of two detectors stating one fact, the weaker one counts nothing
    select *,
           row_number() over (partition by site_id, fact order by points desc, detector) as nth,
           first(label) over (partition by site_id, fact order by points desc, detector) as counted
    from weighed
)

select site_id, detector, family, label, score,
       case when nth = 1 then points else 0 end as points,
       category_hint,
       reason || case when nth = 1 then '' else '（与「' || counted || '」为同一事实，不重复计分）' end as reason
from ranked;

-- name: site_scores
create or replace table site_scores as
with
families as (
    -- a family earns at most family_cap of the scale, however many of its detectors fire
    select site_id, family, least(sum(points), 100 * $family_cap) as family_points
    from score_parts
    group by site_id, family
),

corroborated as (
    select site_id,
           sum(family_points) as base_points,
           count(*) filter (where family_points >= $corroborate_points) as n_families
    from families
    group by site_id
),

hinted as (
    -- the suspected category: a part that says what kind of site it is (a licensed plant
    -- beyond its permit 1, 厂中厂 4, a disguised name 5, a fuel yard 6) before one that says
    -- only who works there (2, 3), then the strongest (复燃 is a status)
    select site_id,
           first(category_hint order by category_hint in ('2', '3'), points desc, detector) as category_hint
    from score_parts
    where category_hint is not null and category_hint <> '' and category_hint <> '复燃'
    group by site_id
),

relit as (
    select distinct site_id from score_parts where category_hint = '复燃'
),

make_up as (
    -- with no hint: a registered firm (存续/在业/停业) doing this is category 2; a house, a
    -- person, a firm struck off (吊销/注销) or nobody at all is category 3 (无证无照)
    select m.site_id,
           bool_or(m.member_kind = 'registry' and r.status_class in ('active', 'suspended')) as has_registry
    from site_members as m
    -- (an equi-join on an expression: a condition on the members alone would make DuckDB loop
    -- over members × registry)
    left join registry as r on r.uscc = case when m.member_kind = 'registry' then m.member_key end
    group by m.site_id
)

select c.site_id, t.risk,
       case when t.risk >= $high_points then '高' when t.risk >= $medium_points then '中' else '低' end
           as level,
       c.base_points, c.n_families,
       coalesce(h.category_hint, case when m.has_registry then '2' else '3' end) as category,
       r.site_id is not null as relit
from corroborated as c
cross join lateral (
    select round(c.base_points + $corroboration_points * greatest(c.n_families - 1, 0), 1) as risk
) as t
left join hinted as h using (site_id)
left join relit as r using (site_id)
left join make_up as m using (site_id);
