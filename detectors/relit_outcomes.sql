-- relit: sites closed through inspectors' verdicts on earlier leads (run when outcomes and
-- lead_book exist). A lead found 已关停, or 属实 and dealt with by 关闭取缔, closed its site.
select
    b.site_id,
    '线索 ' || o.lead_no as name,
    o.checked_on as closed_on,
    coalesce(o.measure, o.verdict) as measures
from outcomes as o
join lead_book as b using (lead_no)
where o.checked_on is not null
    and (o.verdict = '已关停' or (o.verdict = '属实' and o.measure like '%关闭取缔%'))
