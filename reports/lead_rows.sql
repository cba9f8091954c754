-- One row per lead of the week, with the columns of contract §3 (values, not formatting).
with
leads as (
    select * from leads where week = $week
),

members as (
    select site_id,
           string_agg(distinct member_key, ';' order by member_key)
               filter (where member_kind = 'power_account') as accounts,
           string_agg(distinct member_key, ';' order by member_key)
               filter (where member_kind = 'registry') as usccs
    from site_members
    where site_id in (select site_id from leads)
    group by site_id
),

plates as (
    -- trucks that stopped at the site's places
    select m.site_id, string_agg(distinct s.plate, ';' order by s.plate) as plates
    from site_members as m
    join truck_place_visits as v on m.member_kind = 'truck_place' and v.place_id = m.member_key
    join truck_stays as s using (stay_id)
    where m.site_id in (select site_id from leads)
    group by m.site_id
)

select l.lead_no as 线索编号, l.rank as 排名, l.risk as 风险分, l.level as 风险等级,
       l.category as 疑似整治类别, coalesce(s.name, '未登记场所') as 场所名称,
       coalesce(s.address, '无登记地址，按经纬度前往') as 地址, coalesce(s.township, '') as 所属乡镇,
       round(s.lon, 6) as 经度, round(s.lat, 6) as 纬度,
       coalesce(m.accounts, '') as 关联户号, coalesce(m.usccs, '') as 关联统一社会信用代码,
       coalesce(p.plates, '') as 关联车牌, l.clues as 主要线索, l.first_seen as 首次发现,
       l.weeks_running as 连续周数, l.status as 状态
from leads as l
join sites as s using (site_id)
left join members as m using (site_id)
left join plates as p using (site_id)
order by l.rank;
