-- Coordinate reference systems used by Chinese offices: WGS-84 (GPS), GCJ-02 (国测局 "Mars"
-- coordinates: AMap/高德, Tencent/腾讯) and BD-09 (Baidu/百度, GCJ-02 plus a further twist).
-- Longitudes and latitudes are decimal degrees throughout. Installed by sources.geo.install_macros.
--
-- Public macros (each *_lon/*_lat pair also exists as a struct macro returning {lon, lat}, which
-- is about twice as fast when both components are needed: it converts once):
--   gcj02_from_wgs84, wgs84_from_gcj02, bd09_from_gcj02, gcj02_from_bd09,
--   bd09_from_wgs84, wgs84_from_bd09, to_wgs84 (by crs), crs_norm, distance_m.
--
-- Why lambdas: DuckDB macros substitute their arguments textually, so an iteration written as
-- nested macro calls grows exponentially (each step mentions the previous point ~10 times) and
-- took seconds just to plan. `list_transform([v], lambda p: ...)[1]` binds v once: it is the
-- `let` of these macros. Sines that several terms share are bound the same way.

-- The rough bounding box of China that every GCJ-02 implementation uses; outside it the
-- formulas return the point unchanged. A NULL coordinate gives NULL.
create or replace macro _in_china(lon, lat) as
    lon between 72.004 and 137.8347 and lat between 0.8293 and 55.8271;


-- GCJ-02 ------------------------------------------------------------------------------------
-- The published GCJ-02 forward formula (the one in coordtransform, eviltransform, ...): a
-- polynomial and sine "noise" in x = lon - 105, y = lat - 35 giving an offset in metres, turned
-- into degrees on the Krasovsky 1940 ellipsoid (a = 6378245.0 m, ee = e² = 0.00669342162296594323).
-- One evaluation needs nine sines; _gcj02_terms computes each once.
create or replace macro _gcj02_terms(lon, lat) as {
    'x': lon - 105.0,
    'y': lat - 35.0,
    -- 20·sin(6πx) + 20·sin(2πx), weighted 2/3 as in the formula; shared by both offsets
    'wave_x': (sin((lon - 105.0) * (6.0 * pi())) + sin((lon - 105.0) * (2.0 * pi())))
        * (40.0 / 3.0),
    'sin_x3': sin((lon - 105.0) * (pi() / 3.0)),   -- sin(πx/3); sin(πx) follows from it
    'sin_x12': sin((lon - 105.0) * (pi() / 12.0)),
    'sin_x30': sin((lon - 105.0) * (pi() / 30.0)),
    'sin_y3': sin((lat - 35.0) * (pi() / 3.0)),
    'sin_y12': sin((lat - 35.0) * (pi() / 12.0)),
    'sin_y30': sin((lat - 35.0) * (pi() / 30.0)),
    'sin2_lat': sin(radians(lat)) ^ 2
};

-- Longitude offset in degrees, from _gcj02_terms t. sin(3a) = sin(a)·(3 - 4·sin²(a)) gives
-- sin(πx) from sin(πx/3). The metres→degrees factor is √(1 - ee·sin²φ) / (a·cos φ) · 180/π.
create or replace macro _gcj02_dlon(t) as
    (300.0 + t.x + 2.0 * t.y + 0.1 * t.x * t.x + 0.1 * t.x * t.y + 0.1 * sqrt(abs(t.x))
        + t.wave_x
        + (40.0 / 3.0) * t.sin_x3 * (3.0 - 4.0 * t.sin_x3 * t.sin_x3)
        + (80.0 / 3.0) * t.sin_x3
        + 100.0 * t.sin_x12
        + 200.0 * t.sin_x30)
    * sqrt((1.0 - 0.00669342162296594323 * t.sin2_lat) / (1.0 - t.sin2_lat))
    * (180.0 / (6378245.0 * pi()));

-- Latitude offset in degrees. The metres→degrees factor is the inverse meridian radius of
-- curvature, (1 - ee·sin²φ)^1.5 / (a·(1 - ee)), times 180/π.
create or replace macro _gcj02_dlat(t) as
    (-100.0 + 2.0 * t.x + 3.0 * t.y + 0.2 * t.y * t.y + 0.1 * t.x * t.y + 0.2 * sqrt(abs(t.x))
        + t.wave_x
        + (40.0 / 3.0) * t.sin_y3 * (3.0 - 4.0 * t.sin_y3 * t.sin_y3)
        + (80.0 / 3.0) * t.sin_y3
        + (320.0 / 3.0) * t.sin_y12
        + (640.0 / 3.0) * t.sin_y30)
    * (1.0 - 0.00669342162296594323 * t.sin2_lat) ^ 1.5
    * (180.0 / (6378245.0 * (1.0 - 0.00669342162296594323) * pi()));

-- One step of the inverse: the fixed-point map w ↦ g - offset(w), whose fixed point is the
-- WGS-84 point w with w + offset(w) = g. The offset changes by at most ~0.5 % of a step
-- between nearby points, so each step shrinks the error ~200-fold (measured: 4.9 m after the
-- first step, 3 cm after the second, 0.2 mm after the third).
create or replace macro _wgs84_from_gcj02_step(w_lon, w_lat, g_lon, g_lat) as
    list_transform(
        [_gcj02_terms(w_lon, w_lat)],
        lambda t: {'lon': g_lon - _gcj02_dlon(t), 'lat': g_lat - _gcj02_dlat(t)}
    )[1];

create or replace macro gcj02_from_wgs84(lon, lat) as
    case
        when _in_china(lon, lat) then list_transform(
            [_gcj02_terms(lon::double, lat::double)],
            lambda t: {'lon': lon + _gcj02_dlon(t), 'lat': lat + _gcj02_dlat(t)}
        )[1]
        when lon is not null and lat is not null then {'lon': lon::double, 'lat': lat::double}
    end;

-- Three steps from w = g: the worst error over China is 0.2 mm (see the step comment).
-- The box test is on the GCJ-02 point, as in every implementation.
create or replace macro wgs84_from_gcj02(lon, lat) as
    case
        when _in_china(lon, lat) then list_transform(
            [_wgs84_from_gcj02_step(lon::double, lat::double, lon, lat)],
            lambda w1: list_transform(
                [_wgs84_from_gcj02_step(w1.lon, w1.lat, lon, lat)],
                lambda w2: _wgs84_from_gcj02_step(w2.lon, w2.lat, lon, lat)
            )[1]
        )[1]
        when lon is not null and lat is not null then {'lon': lon::double, 'lat': lat::double}
    end;

create or replace macro gcj02_from_wgs84_lon(lon, lat) as gcj02_from_wgs84(lon, lat).lon;
create or replace macro gcj02_from_wgs84_lat(lon, lat) as gcj02_from_wgs84(lon, lat).lat;
create or replace macro wgs84_from_gcj02_lon(lon, lat) as wgs84_from_gcj02(lon, lat).lon;
create or replace macro wgs84_from_gcj02_lat(lon, lat) as wgs84_from_gcj02(lon, lat).lat;


-- BD-09 -------------------------------------------------------------------------------------
-- Baidu's published forward formula from GCJ-02 (x, y), x_pi = π·3000/180:
--   z = √(x² + y²) + 0.00002·sin(y·x_pi),  θ = atan2(y, x) + 0.000003·cos(x·x_pi),
--   bd = (z·cos θ + 0.0065, z·sin θ + 0.006).
-- Written here without atan2/cos/sin of θ: with δ = 0.000003·cos(x·x_pi) (≤ 3e-6 rad),
-- z·cos θ = z/r·(x·cos δ - y·sin δ) with r = √(x² + y²), and cos δ = 1 - δ²/2, sin δ = δ are
-- exact to 1e-17. Two sines instead of five.
create or replace macro _bd09_twist(x, y) as {
    'x': x,
    'y': y,
    'scale': 1.0 + 0.00002 * sin(y * (pi() * 3000.0 / 180.0)) / sqrt(x * x + y * y),
    'delta': 0.000003 * cos(x * (pi() * 3000.0 / 180.0))
};

create or replace macro bd09_from_gcj02(lon, lat) as list_transform(
    [_bd09_twist(lon::double, lat::double)],
    lambda t: {
        'lon': t.scale * (t.x * (1.0 - t.delta * t.delta / 2.0) - t.y * t.delta) + 0.0065,
        'lat': t.scale * (t.y * (1.0 - t.delta * t.delta / 2.0) + t.x * t.delta) + 0.006
    }
)[1];

-- Inverse: r = z - 0.00002·sin(y·x_pi), φ = θ - 0.000003·cos(x·x_pi) at the unknown GCJ-02
-- point (x, y). The usual formula evaluates both twists at the shifted BD-09 point instead,
-- which is up to 0.23 m off; it is the first step here, and each further step re-evaluates the
-- twists at the last estimate (error shrinks ~50-fold a step; two more give < 0.1 mm).
-- cos φ_bd = x'/z, sin φ_bd = y'/z, so again no atan2.
create or replace macro _gcj02_from_bd09_step(x, y, b) as list_transform(
    [{'r': b.z - 0.00002 * sin(y * (pi() * 3000.0 / 180.0)),
      'delta': 0.000003 * cos(x * (pi() * 3000.0 / 180.0))}],
    lambda s: {
        'lon': s.r / b.z * (b.x * (1.0 - s.delta * s.delta / 2.0) + b.y * s.delta),
        'lat': s.r / b.z * (b.y * (1.0 - s.delta * s.delta / 2.0) - b.x * s.delta)
    }
)[1];

create or replace macro gcj02_from_bd09(lon, lat) as list_transform(
    [{'x': lon::double - 0.0065, 'y': lat::double - 0.006,
      'z': sqrt((lon::double - 0.0065) ^ 2 + (lat::double - 0.006) ^ 2)}],
    lambda b: list_transform(
        [_gcj02_from_bd09_step(b.x, b.y, b)],
        lambda g1: list_transform(
            [_gcj02_from_bd09_step(g1.lon, g1.lat, b)],
            lambda g2: _gcj02_from_bd09_step(g2.lon, g2.lat, b)
        )[1]
    )[1]
)[1];

create or replace macro bd09_from_gcj02_lon(lon, lat) as bd09_from_gcj02(lon, lat).lon;
create or replace macro bd09_from_gcj02_lat(lon, lat) as bd09_from_gcj02(lon, lat).lat;
create or replace macro gcj02_from_bd09_lon(lon, lat) as gcj02_from_bd09(lon, lat).lon;
create or replace macro gcj02_from_bd09_lat(lon, lat) as gcj02_from_bd09(lon, lat).lat;

-- WGS-84 ↔ BD-09 goes through GCJ-02 (BD-09 is defined on GCJ-02 everywhere, also abroad).
create or replace macro bd09_from_wgs84(lon, lat) as list_transform(
    [gcj02_from_wgs84(lon, lat)], lambda g: bd09_from_gcj02(g.lon, g.lat)
)[1];
create or replace macro wgs84_from_bd09(lon, lat) as list_transform(
    [gcj02_from_bd09(lon, lat)], lambda g: wgs84_from_gcj02(g.lon, g.lat)
)[1];

create or replace macro bd09_from_wgs84_lon(lon, lat) as bd09_from_wgs84(lon, lat).lon;
create or replace macro bd09_from_wgs84_lat(lon, lat) as bd09_from_wgs84(lon, lat).lat;
create or replace macro wgs84_from_bd09_lon(lon, lat) as wgs84_from_bd09(lon, lat).lon;
create or replace macro wgs84_from_bd09_lat(lon, lat) as wgs84_from_bd09(lon, lat).lat;


-- By declared system ------------------------------------------------------------------------
-- crs is a crs_norm() result: 'WGS84', 'GCJ02' or 'BD09'; NULL means WGS84. Anything else is a
-- caller's bug and raises (the adapter rejects unknown 坐标系 text before converting).
create or replace macro to_wgs84(lon, lat, crs) as
    case coalesce(crs, 'WGS84')
        when 'WGS84' then {'lon': lon::double, 'lat': lat::double}
        when 'GCJ02' then wgs84_from_gcj02(lon, lat)
        when 'BD09' then wgs84_from_bd09(lon, lat)
        else error('to_wgs84: unknown crs ' || crs || ', expected WGS84, GCJ02 or BD09')
    end;

create or replace macro to_wgs84_lon(lon, lat, crs) as to_wgs84(lon, lat, crs).lon;
create or replace macro to_wgs84_lat(lon, lat, crs) as to_wgs84(lon, lat, crs).lat;

-- An office's 坐标系 text, upper-cased with all whitespace (also full-width) removed.
create or replace macro _crs_key(x) as upper(regexp_replace(x, '[\s\p{Z}]', '', 'g'));

-- 'WGS84', 'GCJ02', 'BD09', or NULL for text we do not recognise (the caller rejects it).
-- Empty or missing means WGS84: GPS devices and most exports leave it blank.
create or replace macro crs_norm(x) as
    case
        when x is null or _crs_key(x) in ('', 'WGS84', 'WGS-84', 'GPS', '4326', 'EPSG:4326')
            then 'WGS84'
        when _crs_key(x) in ('GCJ02', 'GCJ-02', '火星坐标', '高德', '腾讯', '国测局')
            then 'GCJ02'
        when _crs_key(x) in ('BD09', 'BD-09', '百度', 'BD09LL')
            then 'BD09'
    end;


-- Distance ----------------------------------------------------------------------------------
-- Great-circle distance in metres (haversine) on the IUGG mean Earth radius R = 6371008.8 m,
-- h = haversine of the central angle. The atan2 form needs no clamp of asin's argument for
-- antipodal points (greatest() covers rounding) and keeps NULL in → NULL out.
create or replace macro _haversine(lon1, lat1, lon2, lat2) as
    sin(radians(lat2 - lat1) / 2.0) ^ 2
    + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2.0) ^ 2;

create or replace macro distance_m(lon1, lat1, lon2, lat2) as
    2.0 * 6371008.8 * atan2(
        sqrt(_haversine(lon1, lat1, lon2, lat2)),
        sqrt(greatest(0.0, 1.0 - _haversine(lon1, lat1, lon2, lat2)))
    );

-- Grid joins --------------------------------------------------------------------------------
-- "Every point within reach_m of each place" as an equi-join: square cells reach_m wide (in
-- degrees, as wide in longitude as reach_m at the highest latitude given, clamped below the
-- pole), each place probing its own and the eight neighbouring cells, which hold every point
-- within reach. A distance test over places × points grows with their product.
create or replace macro grid_cell(reach_m, max_abs_lat) as {
    'lat': reach_m / 111320.0,
    'lon': reach_m / (111320.0 * cos(radians(least(coalesce(max_abs_lat, 0), 89))))
};

create or replace macro grid_x(lon, cell) as floor(lon / struct_extract(cell, 'lon'))::bigint;

create or replace macro grid_y(lat, cell) as floor(lat / struct_extract(cell, 'lat'))::bigint;

-- the offsets of the 3 × 3 block of cells around a cell
create or replace macro grid_block() as table
    select dx, dy from (values (-1), (0), (1)) as x (dx), (values (-1), (0), (1)) as y (dy);
