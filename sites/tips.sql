-- Vague tips: a tip-off with no point that the resolver could not join ("唐回村附近一家科技公司
-- 晚上有刺鼻气味") joins the one site of its village that fits its words and that the
-- detectors already found something at. Statements run in order by sites/tips.py.

-- name: tip_targets
-- Tip-only sites whose tip has no point, with the village or township the tip names and what
-- it says the place is.
create or replace temp table _tip_targets as
with
tip_only as (
    select site_id from site_members group by site_id having bool_and(member_kind = 'tip')
),

raw as (
    select m.site_id as tip_site, t.tip_no,
           coalesce(t.target, '') || ' ' || coalesce(t.content, '') as words,
           regexp_replace(coalesce(t.address, ''), '\s', '', 'g') as address
    from site_members as m
    join tips as t on m.member_kind = 'tip' and m.member_key = t.tip_no
    where m.site_id in (select site_id from tip_only) and t.lon is null
),

placed as (
    select *,
        nullif(regexp_extract(address, '(\p{Han}{1,4}?(镇|乡))', 1), '') as town,
        -- the address without province/city/county and township
        -- (a 区 not after 社: "城东社区往东的路边" names a village, not a district)
        regexp_replace(address, '^(\p{Han}{2,3}省)?(\p{Han}{2,4}市)?(\p{Han}{1,3}县|\p{Han}{0,2}[^社\P{Han}]区)?(\p{Han}{1,4}?(镇|乡|街道))?',
                       '') as rest
    from raw
),

villaged as (
    select *,
        nullif(regexp_extract(rest, '^(\p{Han}{1,8}?(村|社区))', 1), '') as village,
        regexp_replace(rest, '^(\p{Han}{1,8}?(村|社区))', '') as tail
    from placed
)

select tip_site, tip_no, words, town, village,
       -- the kind of place the address names after the village: 面包房, 养猪场 (or nothing)
       regexp_extract(tail, $place_noun, 1) as what
from villaged
where town is not null or village is not null;

-- name: villages
-- Each village (township, village) of the power accounts' addresses, with the median point of
-- its metered households and businesses.
create or replace temp table _tip_villages as
select township as town,
       regexp_extract(address, '(镇|乡|街道)(\p{Han}{1,8}?(村|社区))', 2) as village,
       median(lon) as lon, median(lat) as lat
from power_accounts
where lon is not null and township is not null
group by all
having village <> '';

-- name: night_trucks
-- Sites where a hazmat truck stopped at night for an unloading-scale time in the window: what
-- a tip about trucks coming and going at night (半夜有大车进出) describes. One stop is below
-- every truck detector; such a site with no finding may take the tip only as the one
-- candidate of its kind (see chosen). Run only where the county has truck stays.
create or replace temp table _tip_night_trucks as
select distinct m.site_id
from site_members as m
join truck_place_visits as v on m.member_kind = 'truck_place' and v.place_id::varchar = m.member_key
join truck_stays as s using (stay_id)
where s.night and s.duration_min between $night_stop_min and $night_stop_max
  and s.started_at >= $as_of::date - interval ($night_stop_days) day and s.started_at < $as_of::date + 1;

-- name: candidates
-- Sites with an identity in the named village (by a member's address, or within
-- village_reach_m of the village's point), or in the named township when no village is named;
-- scored by how well they fit the tip's words and by what the detectors found there.
create or replace temp table _tip_candidates as
with
strength as (
    -- what the screening found at each site: its risk (scoring.score_sites), and whether a
    -- finding points to fuel (category 6, or oil tankers stopping there)
    -- and which kinds of thing it saw: trucks, a meter running, an idle plant working again
    select r.site_id, r.risk as strength, coalesce(p.fuel, false) as fuel,
           coalesce(p.trucks_seen, false) as trucks_seen, coalesce(p.power_seen, false) as power_seen,
           coalesce(p.restarted, false) as restarted
    from site_scores as r
    left join (
        select site_id, bool_or(category_hint = '6' or detector = 'fuel_yard') as fuel,
               bool_or(family = 'truck' and points > 0) as trucks_seen,
               bool_or(family = 'power' and points > 0) as power_seen,
               bool_or(detector in ('idle_restart', 'relit') and points > 0) as restarted
        from score_parts
        group by site_id
    ) as p using (site_id)
),

candidate_sites as (
    select site_id, strength, fuel, trucks_seen, power_seen, restarted, false as night_trucks
    from strength
    union all
    select site_id, 0, false, false, false, false, true
    from _tip_night_trucks anti join strength using (site_id)
),

scored_sites as (
    -- only sites the screening found something at (or night trucks stopped at) can take a
    -- tip: a few thousand, not every household of the county
    select s.* from sites as s semi join candidate_sites as r using (site_id)
),

member_villages as (
    select distinct m.site_id,
           regexp_extract(m.member_address, '(镇|乡|街道)(\p{Han}{1,8}?(村|社区))', 2) as village
    from site_members as m semi join candidate_sites as r using (site_id)
    where m.member_address is not null
),

by_village as (
    select t.tip_no, s.site_id
    from _tip_targets as t
    join _tip_villages as v on v.village = t.village and (t.town is null or v.town = t.town)
    join scored_sites as s
      on s.lon between v.lon - 0.05 and v.lon + 0.05 and s.lat between v.lat - 0.05 and v.lat + 0.05
    where distance_m(s.lon, s.lat, v.lon, v.lat) <= $village_reach_m
    union
    select t.tip_no, mv.site_id
    from _tip_targets as t
    join member_villages as mv on mv.village = t.village
    join scored_sites as s using (site_id)
    where t.town is null or s.township = t.town
),

by_town as (
    select t.tip_no, s.site_id
    from _tip_targets as t join scored_sites as s on s.township = t.town
    where t.village is null
),

pairs as (
    select tip_no, site_id, true as in_village from by_village
    union all
    select tip_no, site_id, false from by_town
),

facts as (
    select m.site_id,
           string_agg(coalesce(m.member_name, ''), ' ') as names,
           bool_or(m.member_kind <> 'tip') as has_identity,
           -- (a left join with a condition on the member kind made DuckDB loop: 50 s a county)
           bool_or(m.member_kind = 'power_account' and m.member_key in (
               select account_no from power_accounts where tariff_class = $residential_class))
               as has_household,
           -- a firm or a business meter: what a tipster calls 一家厂子 or 公司
           bool_or(m.member_kind in ('registry', 'permit')
                   or (m.member_kind = 'power_account' and m.member_key in (
                       select account_no from power_accounts where list_contains($business_classes, tariff_class))))
               as has_business,
           (select list(mv.village) from member_villages as mv
            where mv.site_id = m.site_id and mv.village <> '') as villages,
           bool_or((m.member_kind = 'permit' and m.member_key in (
                        select permit_no from permits where valid_until >= $as_of))
                   or (m.member_kind = 'registry' and m.member_key in (
                        select uscc from permits where valid_until >= $as_of))) as licensed
    from site_members as m
    where m.site_id in (select site_id from pairs)
    group by m.site_id
)

select p.tip_no, t.tip_site, p.site_id, p.in_village, s.strength,
       -- the data saw what the tip describes: trucks coming and going (大车进出, 罐车卸货) where
       -- a truck detector found something; else machines, smells or night work where the meter
       -- did (a tip about trucks at night is about the trucks)
       case when regexp_matches(t.words, $says_trucks) then s.trucks_seen
            else regexp_matches(t.words, $says_running) and s.power_seen end as corroborated,
       regexp_matches(t.words, $says_trucks) and regexp_matches(t.words, $says_night)
           and s.night_trucks as night_trucks,
       -- the tip's words against the site: a 科技公司 tip wants a 科技/生物/新材料 name, a 民房
       -- tip a household, a 养殖场 tip a farm; a named place (面包房) must be in the name
       least(
           case when regexp_matches(t.words, '(科技|生物|新材料|新能源)')
                then case when regexp_matches(f.names, '(科技|生物|新材料|新能源)') then 1 else $misfit end
                else 1 end,
           case when regexp_matches(t.words, '(民房|住户|家里|院子|自建房|农户)')
                then case when f.has_household then 1 else $misfit end
                else 1 end,
           case when regexp_matches(t.words, '(养殖场|猪场|鸡场|牛场|羊场)')
                then case when regexp_matches(f.names, '(养殖|猪|鸡|牛|羊)') then 1 else $misfit end
                else 1 end,
           -- (a site holding a valid permit is not "有人私设油罐": its tankers are its trade)
           case when regexp_matches(t.words, '(油罐|储油|柴油|汽油|加油|成品油)')
                then case when (s.fuel or regexp_matches(f.names, '(油|石化)')) and not f.licensed
                          then 1 else $misfit end
                else 1 end,
           -- a factory or a firm (一家厂子, 公司) is more likely a site with a firm or a business
           -- meter than a household; a house may still be one (a workshop in a yard)
           case when regexp_matches(t.words, $says_firm)
                     and not regexp_matches(t.words, '(闲置|废弃|停产|关停)(的)?(厂房|工厂|厂子|车间)')
                then case when f.has_business then 1 else $no_business end
                else 1 end,
           -- an idle plant (闲置厂房) that the tipster hears working: one the meter saw restart
           -- fits; another firm may be it; a household is not a plant
           case when regexp_matches(t.words, '(闲置|废弃|停产|关停)(的)?(厂房|工厂|厂子|车间)')
                then case when s.restarted then 1 when f.has_household then $misfit
                          else $unproven end
                else 1 end,
           -- near the village by its point but addressed in another village: likely not it;
           -- near it with no village in its address (a park plot, a field): maybe
           case when not p.in_village or list_contains(coalesce(f.villages, []), t.village) then 1
                when len(coalesce(f.villages, [])) > 0 then $other_village
                else $near_only end,
           case when t.what = '' then 1 when contains(f.names, t.what) then 1 else 0 end
       ) as fit
from pairs as p
join _tip_targets as t using (tip_no)
join facts as f using (site_id)
join candidate_sites as s using (site_id)
where f.has_identity;

-- name: chosen
-- Of the sites that fit well enough and show enough, the best-fitting one, when it stands out
-- from the others that fit as well. Fit comes first: a loud site that is not what the tip
-- describes (a 科技 firm for a tip about a farm) does not hide the farm that is. Then a site
-- where the data saw what the tip describes: it may take the tip from less
-- (`min_corroborated_strength`), and a louder site that saw something else does not hide it.
-- A site with no finding where hazmat trucks stopped at night takes a tip about trucks at
-- night only as the one such candidate that fits best (no strength to tell two apart).
create or replace temp table _tip_chosen as
select tip_no, tip_site, site_id, in_village, fit, strength,
       round(case when in_village then $village_link else $town_link end * fit, 3) as link_score
from (
    select *,
           lead(strength) over (partition by tip_no, fit, corroborated or night_trucks
                                order by strength desc, site_id) as runner_up
    from _tip_candidates
    where fit >= $min_fit
      and (strength >= $min_strength or (corroborated and strength >= $min_corroborated_strength)
           or (night_trucks and strength = 0))
    qualify row_number() over (partition by tip_no
                               order by fit desc, corroborated or night_trucks desc, strength desc, site_id) = 1
)
where runner_up is null or (strength > 0 and runner_up * $dominance <= strength);

-- name: move
-- The chosen tips become members of their sites (rule tip_area); their tip-only sites go.
update site_members as m
set site_id = c.site_id, rule = 'tip_area', score = c.link_score,
    linked_to = (select s.anchor_kind || ':' || s.anchor_key from sites as s where s.site_id = c.site_id)
from _tip_chosen as c
where m.member_kind = 'tip' and m.member_key = c.tip_no;

-- name: drop_sites
delete from sites where site_id in (select tip_site from _tip_chosen);

-- name: history
update site_history as h
set site_id = c.site_id
from _tip_chosen as c
where h.as_of = $as_of and h.member_kind = 'tip' and h.member_key = c.tip_no;

-- name: cleanup
drop table if exists _tip_targets;
drop table if exists _tip_villages;
drop table if exists _tip_candidates;
drop table if exists _tip_chosen;
drop table if exists _tip_night_trucks;
