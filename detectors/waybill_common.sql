-- What the waybill detectors share: which site each e-waybill of the window was delivered to.
-- A table macro, installed by detectors.base.install_waybill_macros before a detector runs.

-- name: site_waybills
-- e-waybills shipped in days (as_of - waybill_days, as_of], with the site they went to: the
-- site one of whose names (registration, permit holder, account) is the consignee; or, when
-- the consignee is no entity the warehouse knows, the site whose point lies within reach_m of
-- the unload point (a neighbour's deliveries in a chemical park stay the neighbour's). A name
-- borne by two sites goes to the one nearest the unload point.
create or replace temp macro xhg_site_waybills(as_of, waybill_days, reach_m) as table
    with
    waybills_in as (
        select waybill_no, plate, consignee, unload_address, unload_lon, unload_lat,
               trim(cargo) as cargo, quantity, ship_date
        from waybills
        where ship_date > as_of::date - to_days(waybill_days::integer) and ship_date <= as_of::date
    ),
    names as (
        select 'registry' as kind, uscc as key, name from registry
        union all
        select 'permit', permit_no, holder_name from permits
        union all
        select 'power_account', account_no, account_name from power_accounts
    ),
    site_names as (
        select distinct m.site_id, n.name
        from site_members as m
        join names as n on n.kind = m.member_kind and n.key = m.member_key
        where n.name is not null
    ),
    unknown_consignee as (
        select w.*
        from waybills_in as w anti join (select distinct name from names) as k on k.name = w.consignee
        where w.unload_lon is not null and w.unload_lat is not null
    ),
    by_name as (
        -- a name two sites bear (two registrations of one name, a firm and its branch) goes to
        -- the one nearest the unload point when the waybill gives one
        select n.site_id, w.*, 'consignee' as matched_by
        from waybills_in as w
        join site_names as n on n.name = w.consignee
        left join sites as s using (site_id)
        qualify rank() over (partition by w.waybill_no
                             order by coalesce(distance_m(s.lon, s.lat, w.unload_lon, w.unload_lat), 0)) = 1
    )
    select * from by_name
    union all
    select s.site_id, w.*, 'unload_point'
    from unknown_consignee as w
    join sites as s
        on abs(w.unload_lat - s.lat) < 0.01 and abs(w.unload_lon - s.lon) < 0.012
    where distance_m(s.lon, s.lat, w.unload_lon, w.unload_lat) <= reach_m;
