-- Normalisers applied at the border: raw text from an office's file -> canonical values.
-- Each macro returns NULL where the value cannot be read; the loader turns a NULL that came
-- from a non-empty raw value into a reject with the file, row, column and reason.
--
-- Speed: these run on every row of 100-million-row drops. DuckDB macros paste their argument
-- text wherever it appears, so a macro that names its argument three times computes it three
-- times. Callers pass a column reference (cheap to repeat); costly steps sit in the rarely
-- taken branch of a case, behind a cheap test (byte length = character length means ASCII).

-- Full-width ASCII (U+FF01–U+FF5E) and the ideographic space fold to their ASCII forms.
create or replace macro xhg_halfwidth(x) as
    case when strlen(x) = length(x) then x
         else translate(x, '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　', '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ') end;

-- Trimmed text; empty -> NULL. Also drops the no-break space, a BOM, and Excel's text marker
-- (a leading apostrophe).
create or replace macro xhg_trim(t) as
    nullif(trim(t, ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(65279) || chr(12288) || ''''), '');

create or replace macro xhg_text(x) as xhg_trim(cast(x as varchar));

-- Full-width folded and trimmed: the first step of every typed normaliser.
create or replace macro xhg_clean(x) as xhg_trim(xhg_halfwidth(cast(x as varchar)));

-- Identifiers (户号, 许可证编号, …) stay text with their leading zeros; inner spaces go, and a
-- float rendering such as 0012345.0 (a number cell exported by Excel) loses only its '.0'.
create or replace macro xhg_id_fix(t) as
    case when contains(t, ' ') or ends_with(t, '.0')
         then nullif(regexp_replace(replace(t, ' ', ''), '^(\d+)\.0+$', '\1'), '')
         else t end;

-- Fast path: an identifier is already canonical when it is ASCII (nothing to fold), has no
-- space, does not end in '.0', is not empty and neither starts nor ends with a character
-- xhg_trim removes (tab, line break, apostrophe; the others are not ASCII). Each test is a
-- plain byte scan: cheaper than the regular expression this replaced ([0-9A-Za-z_-]+, a
-- subset), and the slow path gives the same value for every string the test lets through.
create or replace macro xhg_id(x) as
    case when strlen(x) = length(x) and x <> '' and not contains(x, ' ')
              and not ends_with(x, '.0') and ascii(x) not in (9, 10, 13, 39)
              and not (ends_with(x, chr(9)) or ends_with(x, chr(10)) or ends_with(x, chr(13))
                       or ends_with(x, ''''))
         then x else xhg_id_fix(xhg_clean(x)) end;

create or replace macro xhg_uscc(x) as upper(xhg_id(x));

-- GB 32100-2015: 18 characters from 0-9A-Z without I O S V Z; weighted sum of the first 17,
-- check = 31 - (sum mod 31), where 31 becomes 0.
create or replace macro xhg_uscc_valid(u) as
    regexp_full_match(u, '[0-9A-HJ-NPQRTUWXY]{18}')
    and (31 - list_sum(list_transform(range(17), i ->
            (strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', u[i + 1]) - 1)
            * [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28][i + 1])) % 31) % 31
        = strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', u[18]) - 1;

-- 晋M·A1234, 晋M A1234, 晋m-a1234 -> 晋MA1234 (trailers keep their 挂).
create or replace macro xhg_plate_fix(x) as
    upper(replace(replace(replace(replace(replace(xhg_clean(x),
        '·', ''), '•', ''), ' ', ''), '-', ''), '.', ''));

create or replace macro xhg_plate(x) as
    case when regexp_full_match(x, '\p{Han}[A-Z][A-Z0-9]{4,6}') then x else xhg_plate_fix(x) end;

create or replace macro xhg_plate_valid(p) as
    regexp_full_match(p, '[\p{Han}][A-Z][A-Z0-9]{4,6}[挂学警]?');

create or replace macro xhg_number(x) as
    coalesce(try_cast(x as double), try_cast(replace(replace(xhg_clean(x), ',', ''), ' ', '') as double));

-- Excel stores dates as days since 1899-12-30 (after its 1900 leap-year bug).
create or replace macro xhg_excel_serial(s) as
    case when regexp_full_match(s, '\d{5}(\.\d+)?')
         then timestamp '1899-12-30'
              + to_microseconds(cast(round(cast(s as double) * 86400e6) as bigint)) end;

-- The common ISO form is tried first (fast); then the other forms offices export. A timestamp
-- with an explicit offset (Z, +08:00) is converted to Beijing time; epoch seconds (10 digits)
-- and milliseconds (13 digits) from GPS platforms are UTC instants.
create or replace macro xhg_timestamp_of(s) as
    coalesce(
        try_cast(s as timestamp),
        try_strptime(s, ['%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M',
                         '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M', '%Y%m%d%H%M%S',
                         '%Y/%m/%d %H:%M:%S.%f', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M',
                         '%Y年%m月%d日%H时%M分']),
        try_strptime(s, ['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '%Y年%m月%d日', '%Y.%m.%d']),
        case when regexp_matches(s, '\d(Z|[+-]\d\d:?\d\d)$')
             then timezone('Asia/Shanghai', try_cast(s as timestamptz)) end,
        case when regexp_full_match(s, '\d{10}')
             then timezone('Asia/Shanghai', to_timestamp(cast(s as bigint))) end,
        case when regexp_full_match(s, '\d{13}')
             then timezone('Asia/Shanghai', to_timestamp(cast(s as bigint) / 1000)) end,
        xhg_excel_serial(s));

-- Fast path: ISO text casts natively; everything else goes through the cleaner and the forms.
-- (Implausible years, e.g. 00000000, are refused by the loader's checks.)
create or replace macro xhg_timestamp(x) as
    coalesce(try_cast(x as timestamp), xhg_timestamp_of(xhg_clean(x)));

create or replace macro xhg_date(x) as cast(xhg_timestamp(x) as date);

create or replace macro xhg_bool(x) as
    case when xhg_text(x) in ('是', 'Y', 'y', '1', 'true', 'TRUE', 'True', '有', '动力电',
                                '三相', '三相四线', '三相三线') then true
         when xhg_text(x) in ('否', 'N', 'n', '0', 'false', 'FALSE', 'False', '无', '单相',
                                '单相两线', '照明') then false end;

-- A person's name as power companies and registries write individuals: 2–4 Chinese characters,
-- after the village (and group) they live in when given ("温峪村王德亮", "东村3组张三"), with no
-- word of an organisation or installation. Single characters common in given names (会, 园,
-- 庄, 行) are not organisation words here.
create or replace macro xhg_person_part(name) as
    regexp_replace(trim(coalesce(name, '')), '^\p{Han}{1,6}?(村|社区)(\d{1,2}组|\p{Han}{1,2}组)?', '');

create or replace macro xhg_person_name(name) as
    regexp_full_match(xhg_person_part(name), '\p{Han}{2,4}')
    and not regexp_matches(xhg_person_part(name),
        '(公司|厂|店|部|社|站|场|所|村|委|队|局|院|校|中心|井|泵|组|馆|坊|处|超市|商行|集团|室|台区)');
