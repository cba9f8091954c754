-- name: account_days
-- tou: account-days that have both the daily 谷 (valley) kWh and a whole day of interval
-- readings, with the interval kWh per clock hour (24 values): what the province's valley hours
-- are is read off them (detectors/tou.py). A sample of accounts (hash per mille) keeps a
-- province's scan small. Window: days (as_of - days, as_of].
with

daily as (
    select account_no, day, kwh_total, kwh_valley
    from power_readings_daily
    where day > $as_of - $days and day <= $as_of
      and kwh_valley >= 0 and kwh_total > 0 and kwh_valley <= kwh_total
      and hash(account_no) % 1000 < $permille
),

hourly as (
    select account_no, ts::date as day, hour(ts) as h, sum(kwh) as kwh
    from power_readings_interval
    where ts >= ($as_of - ($days - 1))::timestamp and ts < ($as_of + 1)::timestamp
      and hash(account_no) % 1000 < $permille
    group by all
    having bool_and(kwh >= 0)
)

select d.account_no, d.day, d.kwh_valley as y, list(h.kwh order by h.h) as x
from daily as d
join hourly as h using (account_no, day)
group by d.account_no, d.day, d.kwh_valley, d.kwh_total
-- a whole day read, summing to the day's total (a gap or another meter's day says nothing)
having count(*) = 24 and abs(sum(h.kwh) - d.kwh_total) <= $max_mismatch * d.kwh_total
order by d.account_no, d.day
;

-- name: day_shares
-- Without interval readings to fit: the 谷 share of the last `share_days` of the accounts of
-- the commercial class (一般工商业: shops, offices, workshops — most work by day), their median
-- and how many there are.
select median(share) as median_share, count(*) as n_accounts
from (
    select d.account_no, sum(d.kwh_valley) / nullif(sum(d.kwh_total), 0) as share
    from power_readings_daily as d
    join power_accounts as a using (account_no)
    where d.day > $as_of - $share_days and d.day <= $as_of
      and a.tariff_class like $day_class
      and d.kwh_valley >= 0 and d.kwh_total > 0 and d.kwh_valley <= d.kwh_total
    group by d.account_no
)
where share is not null
