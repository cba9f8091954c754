-- tip_match: tip-offs joined to a site (site_members tip rows), scored by content and age.
-- Registered by the caller: tip_match_words (word, weight, category) and
-- tip_match_chemicals (term) — hazardous-chemical names, each worth $chemical_weight.
with

members as (
    select site_id, member_kind, member_key, score as link_score from site_members
),

words as (
    select word, weight, category from tip_match_words
),

chemicals as (
    select term from tip_match_chemicals
),

tips_in as (
    select tip_no, tipped_at, target, address, content, lon from tips
    where tipped_at < $as_of::date + interval 1 day
        and tipped_at >= $as_of::date - interval ($max_age_days) day
),

identified as (
    select distinct site_id from members where member_kind <> 'tip'
),

site_tips as (
    select m.site_id, coalesce(m.link_score, 1.0) as link_score, t.*,
        coalesce(t.content, '') || ' ' || coalesce(t.target, '') as text,
        -- where an inspector could go: the tip's point, a place its address names (a village,
        -- township, street), or the site it was joined to; "村外公路旁边" is none of them
        t.lon is not null
            or regexp_matches(coalesce(t.address, ''), '\p{Han}(村|社区|镇|乡|街道)|\d+号')
            or m.site_id in (select site_id from identified) as located
    from members as m join tips_in as t on m.member_kind = 'tip' and m.member_key = t.tip_no
),

-- sites holding a valid permit: tankers at a licensed plant or fuel station are expected
licensed as (
    select distinct m.site_id
    from members as m
    join permits as p on (m.member_kind = 'permit' and m.member_key = p.permit_no)
        or (m.member_kind = 'registry' and m.member_key = p.uscc)
    where p.valid_until >= $as_of
),

all_hits as (
    select t.site_id, t.tip_no, w.word, w.weight, w.category
    from site_tips as t join words as w on contains(t.text, w.word)
    union
    select t.site_id, t.tip_no, c.term, $chemical_weight, null
    from site_tips as t join chemicals as c on contains(t.text, c.term)
),

-- a word inside a longer matched word (柴油 in 散装柴油) is not counted twice
hits as (
    select * from all_hits as h
    where not exists (
        select 1 from all_hits as o
        where o.site_id = h.site_id and o.tip_no = h.tip_no and o.word <> h.word
            and contains(o.word, h.word)
    )
),

tip_scores as (
    select
        t.site_id, t.tip_no, t.tipped_at, t.content, t.link_score, t.located,
        1 - coalesce(product(1 - h.weight) filter (where h.weight > 0), 1) as positive,
        -- ordinary complaints (livestock smell, burning rubbish, noise) damp the tip
        coalesce(product(1 + h.weight) filter (where h.weight < 0), 1) as damping,
        string_agg(distinct h.word, '、' order by h.word) filter (where h.weight > 0) as matched,
        mode(h.category) filter (where h.category is not null and h.weight > 0) as category,
        bool_or(h.category = '6') as about_fuel,
        date_diff('day', t.tipped_at::date, $as_of::date) as age_days
    from site_tips as t left join hits as h using (site_id, tip_no)
    group by all
),

scored as (
    select
        s.*,
        l.site_id is not null as licensed,
        s.link_score * s.positive * s.damping
            * (case when l.site_id is not null and s.about_fuel then $licensed_factor else 1.0 end)
            -- no place to visit: the tipster must be called back first
            * (case when s.located then 1.0 else $unlocated_factor end)
            -- an old tip still counts half
            * (0.5 + 0.5 * pow(0.5, s.age_days / $half_life_days)) as tip_score
    from tip_scores as s left join licensed as l using (site_id)
    where s.positive >= $min_content
),

per_site as (
    select
        site_id,
        1 - product(1 - tip_score) as score,
        min(tipped_at)::date as first_tip,
        max(tipped_at)::date as last_tip,
        count(*) as n_tips,
        arg_max(category, {'s': tip_score, 'n': tip_no}) as category,
        string_agg(strftime(tipped_at, '%Y-%m-%d') || ' 举报（' || tip_no || '）：“' || content
            || '”，命中：' || matched
            || case when located then '' else '（举报未说明具体位置，需先回访举报人核实地点）' end,
            '；' order by tip_score desc, tip_no) as tip_list,
        list({'tip_no': tip_no, 'age_days': age_days, 'matched': matched,
              'score': round(tip_score, 3), 'link_score': link_score, 'located': located}
             order by tip_score desc, tip_no)
            as tips_facts,
        bool_or(licensed) as licensed
    from scored
    group by site_id
)

select
    site_id,
    'tip_match' as detector,
    round(least(score, 1.0), 4) as score,
    first_tip as period_start,
    last_tip as period_end,
    category as category_hint,
    '群众举报 ' || n_tips || ' 条指向本场所：' || tip_list
        || case when licensed then '（本场所持有效危化品许可）' else '' end as reason,
    json_object('n_tips', n_tips, 'tips', tips_facts, 'licensed', licensed)::varchar as facts
from per_site
where score >= $min_score
order by site_id
