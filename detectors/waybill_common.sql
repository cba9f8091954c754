-- What the waybill detectors share: which site each e-waybill of the window was delivered to
-- or loaded at.
-- Table macros, installed by detectors.base.install_waybill_macros before a detector runs.

-- name: entity_names
-- Every name the warehouse knows (registrations, permit holders, power accounts).
create or replace temp macro xhg_entity_names() as table
    select distinct name from (
        select name from registry
        union all
        select holder_name from permits
        union all
        select account_name from power_accounts
    ) where name is not null;

-- name: site_names
-- The names each site bears through its members.
create or replace temp macro xhg_site_names() as table
    with names as (
        select 'registry' as kind, uscc as key, name from registry
        union all
        select 'permit', permit_no, holder_name from permits
        union all
        select 'power_account', account_no, account_name from power_accounts
    )
    select distinct m.site_id, n.name
    from site_members as m
    join names as n on n.kind = m.member_kind and n.key = m.member_key
    where n.name is not null;

-- name: licensed_sites
-- Sites holding a valid hazardous-chemical permit on as_of: among their members, or held
-- under a member registration's credit code.
-- (two equi-joins: one join on "permit_no or uscc" loops over members × permits, 11 s at p100)
create or replace temp macro xhg_licensed_sites(as_of) as table
    select m.site_id
    from site_members as m
    join permits as p on m.member_kind = 'permit' and m.member_key = p.permit_no
    where p.valid_until >= as_of::date
    union
    select m.site_id
    from site_members as m
    join permits as p on m.member_kind = 'registry' and m.member_key = p.uscc
    where p.valid_until >= as_of::date;

-- name: site_identity
-- Who a site is, as a category hint (contract §4): 5 for a registration under a name with one
-- of the 冠名 words (name_pattern: 生物/科技/新材料 …), 2 for another registered firm, 3 for a
-- person or no registration.
create or replace temp macro xhg_site_identity(name_pattern) as table
    select site_id,
           case when bool_or(member_kind = 'registry' and member_key in (
                    select uscc from registry where regexp_matches(name, name_pattern))) then '5'
                when bool_or(member_kind = 'registry') then '2'
                else '3' end as who_hint
    from site_members
    group by site_id;

-- name: ends_near_sites
-- The load and unload points of the window's e-waybills whose party (shipper, consignee) is
-- no entity the warehouse knows, with each site within reach_m: an equi-join on grid cells
-- reach_m wide with 3 × 3 probes (sources/geo.sql). A band join on the coordinates loops over
-- waybills × sites (8k × 2M at p100: over 10 minutes).
create or replace temp macro xhg_ends_near_sites(as_of, waybill_days, reach_m) as table
    with
    ends as (
        select waybill_no, 'load' as end_kind, shipper as party, load_lon as lon, load_lat as lat
        from waybills
        where ship_date > as_of::date - to_days(waybill_days::integer) and ship_date <= as_of::date
        union all
        select waybill_no, 'unload', consignee, unload_lon, unload_lat
        from waybills
        where ship_date > as_of::date - to_days(waybill_days::integer) and ship_date <= as_of::date
    ),
    g as (
        select grid_cell(reach_m, max(abs(lat))) as cell from sites
    ),
    probes as (
        select e.waybill_no, e.end_kind, e.lon, e.lat,
               grid_x(e.lon, g.cell) + b.dx as cx, grid_y(e.lat, g.cell) + b.dy as cy
        from (select * from ends anti join xhg_entity_names() as k on k.name = party) as e,
             g, grid_block() as b
        where e.lon is not null and e.lat is not null
    ),
    cells as (
        select site_id, lon, lat, grid_x(lon, g.cell) as cx, grid_y(lat, g.cell) as cy
        from sites, g where lon is not null and lat is not null
    )
    select p.waybill_no, p.end_kind, c.site_id
    from probes as p join cells as c using (cx, cy)
    where distance_m(c.lon, c.lat, p.lon, p.lat) <= reach_m;

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
    by_name as (
        -- a name two sites bear (two registrations of one name, a firm and its branch) goes to
        -- the one nearest the unload point when the waybill gives one
        select n.site_id, w.*, 'consignee' as matched_by
        from waybills_in as w
        join xhg_site_names() as n on n.name = w.consignee
        left join sites as s using (site_id)
        qualify rank() over (partition by w.waybill_no
                             order by coalesce(distance_m(s.lon, s.lat, w.unload_lon, w.unload_lat), 0)) = 1
    )
    select * from by_name
    union all
    select e.site_id, w.*, 'unload_point'
    from waybills_in as w
    join xhg_ends_near_sites(as_of, waybill_days, reach_m) as e
        on e.waybill_no = w.waybill_no and e.end_kind = 'unload';

-- name: consigned_waybills
-- e-waybills (as xhg_site_waybills) naming their site as consignee, each with `use_label`
-- when the goods are what the site's registered trade (names and 经营范围 of its
-- registrations) uses itself: a restaurant's LPG, a brick works' diesel, a steel fabricator's
-- oxygen and acetylene, a furniture maker's thinner, a detergent maker's lye, a water works'
-- hypochlorite, a dye house's peroxide, a power plant's denitration ammonia, a hospital's
-- alcohol, a printer's isopropanol, an admixture maker's acrylic acid (a raw material of a product that is no
-- hazardous chemical), a cold store's ammonia. Users need no permit for these, and every
-- county has them in numbers; a workshop hiding in such a firm still shows in power and in
-- other goods. Fuel for fleets (物流, 运输, 农机) is left out: unlicensed fuel yards sit in
-- exactly those.
create or replace temp macro xhg_consigned_waybills(as_of, waybill_days, reach_m) as table
    with
    uses (use_label, cargo_pattern, trade_pattern) as (values
        ('燃气', '液化石油气|液化天然气|天然气|丙烷',
         '餐饮|饭店|酒店|宾馆|食堂|饮食|农家乐|火锅|烧烤|食品|糕点|烘焙|锅炉|供热|供暖|热力|陶瓷|玻璃'),
        ('机械用油', '柴油',
         '砖|墙材|建材|混凝土|商砼|水泥|石料|砂石|采石|矿|建筑工程|施工'),
        ('焊割气体', '^(工业)?(氧|氧气|液氧|乙炔|溶解乙炔|氩|氩气|液氩|二氧化碳)$',
         '钢结构|金属|机械|焊|汽修|机动车维修|门窗|铸造|锻|钢材|铁艺|铝|不锈钢|医院|卫生院'),
        ('涂装', '油漆|涂料|稀释剂|天那水|甲苯|二甲苯|乙酸乙酯|乙酸丁酯|丙酮|油墨',
         '家具|木业|木材|钢结构|门窗|汽修|机动车维修|喷涂|涂装|装饰|印刷|包装|彩印|广告'),
        ('酸碱辅料', '^(工业)?(盐酸|硫酸|液碱|烧碱|氢氧化钠|次氯酸钠|聚合氯化铝)(溶液)?$',
         '水厂|供水|自来水|污水|水务|净水|水处理|游泳|造纸|印染|日化|洗涤|洗衣|清洗|电镀|酸洗|表面处理'),
        ('消毒', '^液氯$', '水厂|供水|自来水|污水|水务'),
        -- bleaching and dyeing: peroxide, acetic acid, hydrosulphite in textile and paper mills
        ('漂染助剂', '^(工业)?(过氧化氢|双氧水|乙酸|冰醋酸|冰乙酸|连二亚硫酸钠|保险粉)(溶液)?$',
         '印染|染整|漂染|纺织|织造|造纸|纸业'),
        -- flue-gas denitration (SCR/SNCR) at power, heating and cement plants
        ('脱硝还原剂', '^(液氨|氨水|氨溶液)$', '电厂|热电|发电|供热|热力|锅炉|水泥'),
        ('医用', '^(医用)?(乙醇|酒精|氧|氧气|液氧)(溶液)?$', '医院|卫生院|诊所|疾控|卫生服务'),
        ('印刷溶剂', '^(乙醇|异丙醇)$', '印刷|彩印'),
        -- a hazardous raw material of a product that is none: acrylic monomers for concrete
        -- admixtures, emulsions and glues; formaldehyde for wood-panel resin; ammonia for a
        -- cold store's refrigeration
        ('生产原料', '^(工业)?(丙烯酸|甲基丙烯酸|丙烯酸甲酯|丙烯酸丁酯|醋酸乙烯|乙酸乙烯酯)$',
         '外加剂|减水剂|乳液|胶粘剂|粘合剂|防水材料|吸水树脂'),
        ('生产原料', '^甲醛(溶液)?$', '人造板|胶合板|密度板|刨花板|细木工板|脲醛'),
        ('制冷剂', '^液?氨$', '冷库|冷藏|冷冻|制冷|冷链')
    ),
    trades as (
        select m.site_id, string_agg(coalesce(r.name, '') || ' ' || coalesce(r.scope, ''), ' ') as trade
        from site_members as m
        join registry as r on m.member_kind = 'registry' and m.member_key = r.uscc
        group by m.site_id
    )
    select w.site_id, w.waybill_no, w.plate, w.ship_date, w.cargo, min(u.use_label) as use_label
    from xhg_site_waybills(as_of, waybill_days, reach_m) as w
    left join trades as t using (site_id)
    left join uses as u
        on regexp_matches(w.cargo, u.cargo_pattern) and regexp_matches(t.trade, u.trade_pattern)
    where w.matched_by = 'consignee'
    group by all;

-- name: site_shipments
-- e-waybills shipped in days (as_of - waybill_days, as_of], with the site they were loaded
-- at: the site one of whose names is the shipper and whose point lies within reach_m of the
-- load point (no point on either: the load address is the site's, blanks ignored); or, when
-- the shipper is no entity the warehouse knows, the site within reach_m of the load point.
-- A shipper's name alone says nothing: traders consign goods loaded anywhere, and a
-- neighbour's loading bay in a park is the neighbour's.
create or replace temp macro xhg_site_shipments(as_of, waybill_days, reach_m) as table
    with
    waybills_out as (
        select waybill_no, plate, shipper, load_address, load_lon, load_lat,
               trim(cargo) as cargo, quantity, ship_date
        from waybills
        where ship_date > as_of::date - to_days(waybill_days::integer) and ship_date <= as_of::date
    )
    select n.site_id, w.*, 'shipper' as matched_by
    from waybills_out as w
    join xhg_site_names() as n on n.name = w.shipper
    join sites as s using (site_id)
    where coalesce(distance_m(s.lon, s.lat, w.load_lon, w.load_lat) <= reach_m,
                   regexp_replace(w.load_address, '\s', '', 'g') = regexp_replace(s.address, '\s', '', 'g'),
                   false)
    union all
    select e.site_id, w.*, 'load_point'
    from waybills_out as w
    join xhg_ends_near_sites(as_of, waybill_days, reach_m) as e
        on e.waybill_no = w.waybill_no and e.end_kind = 'load';
