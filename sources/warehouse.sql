-- Bookkeeping tables of the warehouse; canonical tables are created from the source specs.

create sequence if not exists load_seq start 1;

-- One row per file seen: loaded, duplicate content, or quarantined.
create table if not exists load_manifest (
    load_id integer primary key,
    source varchar not null,          -- spec name, e.g. power_readings_daily
    folder varchar not null,          -- inbox folder
    file varchar not null,            -- path relative to the inbox
    sha256 varchar not null,
    size_bytes bigint,
    mtime double,                     -- seconds since the epoch, to skip unchanged files fast
    archived_as varchar,              -- path under the archive, relative
    encoding varchar,
    rows_read bigint,
    loaded bigint,
    updated bigint,
    rejected bigint,
    values_cleared bigint,
    status varchar not null,          -- loaded / duplicate / quarantined
    reason varchar,
    started_at timestamp,
    finished_at timestamp
);

-- A bad value: the row was rejected (action 拒收) or the value cleared (action 置空).
create table if not exists load_rejects (
    load_id integer not null,
    file varchar not null,
    row_no bigint,                    -- as Excel shows it: the header line is row 1
    column_name varchar,              -- the file's own header
    value varchar,
    reason varchar not null,
    action varchar not null
);

-- The Parquet files that make up each lake table now (paths relative to the lake root).
create table if not exists lake_files (
    table_name varchar not null,
    part varchar not null,
    path varchar not null,
    rows bigint not null,
    load_id integer not null,
    primary key (table_name, path)
);

-- Per lake file, the least and greatest value of each natural-key column (as text, in the
-- order of the source's key): a new file whose range misses a listed file's range on any
-- key column cannot share a key with it, so it is added beside it without rewriting the
-- partition. Null (files listed before these columns existed): unknown, checked by key.
alter table lake_files add column if not exists key_min varchar[];
alter table lake_files add column if not exists key_max varchar[];
-- The distinct values of the first key column, sorted, when there are few (a GPS file's
-- plates): files whose ranges meet but whose values do not (the trucks of two counties on the
-- same days) cannot share a key either. Null: many values, or unknown.
alter table lake_files add column if not exists key_values varchar[];
