-- name: tables
create table if not exists lead_book (
    lead_no varchar primary key,
    site_id varchar not null,       -- the site the number belongs to now
    first_seen date not null
);
create table if not exists lead_members (
    lead_no varchar, member_kind varchar, member_key varchar
);
create table if not exists leads (
    week varchar, as_of date, lead_no varchar, rank integer, risk double, level varchar,
    category varchar, status varchar, first_seen date, weeks_running integer,
    site_id varchar, detectors varchar[], clues varchar
);

-- name: rerun
-- screening the same week again replaces that week
delete from leads where week = $week;

-- name: candidates
create or replace temp table _cand as
with
scored as (
    -- every site from min_points; below it the strongest down to floor_points until the list
    -- holds min_leads (the backlog a county works down after the week's top twenty)
    select s.*,
           s.risk >= $min_points
           or (s.risk >= $floor_points
               and row_number() over (order by s.risk desc, s.site_id) <= $min_leads) as listable
    from site_scores as s
)

select * from scored where listable;

-- name: by_site
-- numbers already held by these very site ids
create or replace temp table _numbered as
select c.site_id, b.lead_no
from _cand as c join lead_book as b using (site_id);

-- name: by_members
-- a site whose id changed inherits the number of the earlier lead it shares most members with
insert into _numbered
select site_id, lead_no from (
    select m.site_id, lm.lead_no, count(*) as shared
    from site_members as m
    join lead_members as lm using (member_kind, member_key)
    where m.site_id in (select site_id from _cand)
      and m.site_id not in (select site_id from _numbered)
      and lm.lead_no not in (select lead_no from _numbered)
    group by m.site_id, lm.lead_no
    qualify row_number() over (partition by m.site_id order by shared desc, lm.lead_no) = 1
       and row_number() over (partition by lm.lead_no order by shared desc, m.site_id) = 1
);

-- name: new_numbers
insert into _numbered
select c.site_id,
       'XHG-' || lpad(cast(coalesce((select max(cast(substr(lead_no, 5) as integer)) from lead_book), 0)
                           + row_number() over (order by c.risk desc, c.site_id) as varchar), 6, '0')
from _cand as c
where c.site_id not in (select site_id from _numbered);

-- name: book
insert or replace into lead_book
select n.lead_no, n.site_id, coalesce(b.first_seen, $as_of)
from _numbered as n left join lead_book as b using (lead_no);

-- name: remember_members
delete from lead_members where lead_no in (select lead_no from _numbered);
insert into lead_members
select n.lead_no, m.member_kind, m.member_key
from _numbered as n join site_members as m using (site_id);

-- name: this_week
insert into leads
with
parts as (
    -- the parts, strongest first, as the inspector reads them
    select site_id,
           list(detector order by points desc, detector) as detectors,
           string_agg('【' || label || ' +' || cast(cast(round(points) as integer) as varchar) || '】' || reason,
                      '；' order by points desc, detector) as clues
    from score_parts
    where points > 0  -- (a part stating a fact another part counted: in score_parts only)
    group by site_id
),

verdicts as (
    -- the latest verdict on each number, and the detectors listed when it was last shown
    -- (two verdicts of one day: one of them on every run, by its text)
    select o.lead_no, arg_max(o.verdict, {'d': o.checked_on, 'v': o.verdict}) as verdict,
           max(o.checked_on) as checked_on
    from outcomes as o
    group by o.lead_no
),

last_listed as (
    select lead_no, arg_max(detectors, as_of) as detectors
    from leads
    group by lead_no
),

weeks as (
    select lead_no, list(as_of order by as_of desc) as dates from leads group by lead_no
),

ranked as (
    select n.lead_no, c.site_id, c.risk, c.level, c.category, c.relit, p.detectors, p.clues, b.first_seen,
           w.dates,
           -- suppressed: found 不属实 recently, and nothing new fires since it was last listed
           coalesce(v.verdict = '不属实'
                    and v.checked_on >= $as_of - to_weeks($suppress_weeks)
                    and list_has_all(coalesce(l.detectors, []), p.detectors), false) as suppressed
    from _cand as c
    join _numbered as n using (site_id)
    join lead_book as b using (lead_no)
    join parts as p using (site_id)
    left join verdicts as v using (lead_no)
    left join last_listed as l using (lead_no)
    left join weeks as w using (lead_no)
)

select $week, $as_of, lead_no,
       row_number() over (order by risk desc, lead_no) as rank,
       risk,
       level,
       category,
       case when relit then '复燃' when dates is not null then '持续' else '新增' end as status,
       first_seen,
       -- this week plus the unbroken run of listings in the calendar weeks before it
       1 + coalesce(len(list_filter(list_transform(dates, (d, i) ->
               date_diff('week', date_trunc('week', d), date_trunc('week', $as_of)) = i), x -> x)), 0)
           as weeks_running,
       site_id, detectors, clues
from ranked
where not suppressed
order by risk desc, lead_no
limit $max_leads;
