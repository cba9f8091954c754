"""The normalisers' fast paths give exactly what their full forms give."""

from __future__ import annotations

import duckdb

from sources.warehouse import install_macros

# characters the identifier normaliser treats specially, and ordinary ones
_ALPHABET = ["0", "1", "A", "a", "-", "_", ".", "/", " ", "\t", "\n", "\r", "'", "\u00a0",
             "\ufeff", "\u3000", "１", "Ａ", "户"]


def test_id_fast_path_equals_the_full_normaliser():
    """Every string of up to 3 of these characters (and some longer ones): xhg_id(x) is
    xhg_id_fix(xhg_clean(x)), the slow path, whichever branch it takes."""
    con = duckdb.connect()
    install_macros(con)
    con.execute("create table a (c varchar)")
    con.executemany("insert into a values (?)", [(c,) for c in _ALPHABET])
    con.execute("""create table s as
        select '' as x union all select c from a
        union all select a1.c || a2.c from a a1, a a2
        union all select a1.c || a2.c || a3.c from a a1, a a2, a a3
        union all select unnest(['0012345.0', '0012345.00', ' 00123 ', '00 123', '''00123',
                                 '00123''', '00123' || chr(9), chr(10) || '00123', 'A1.0x',
                                 '００１２.0', '12.0' || chr(13), 'abc.0 ', '1 2.0'])""")
    n, bad = con.execute("""select count(*), count(*) filter (where xhg_id(x) is distinct from
                                 xhg_id_fix(xhg_clean(x))) from s""").fetchone()
    assert n > 7000 and bad == 0
    assert con.execute("select xhg_id('0012345.0'), xhg_id(' 0012 '), xhg_id('ABC-12')").fetchone() \
        == ("0012345", "0012", "ABC-12")


def test_person_names_with_and_without_their_village():
    con = duckdb.connect()
    install_macros(con)
    cases = {"王德亮": True, "温峪村王德亮": True, "东村3组张三": True, "欧阳修文": True, "杨会": True,
             "温峪村": False, "温峪村7号机井": False, "苏庄村石静伟养殖场": False, "温峪村村委会": False,
             "夏县鑫源新能源科技有限公司": False, "城东社区居委会": False, "温峪村基站": False,
             "王": False, "李四面包坊": False, None: False, "": False}
    got = dict(con.execute("select x, xhg_person_name(x) from (select unnest(?) as x)",
                           [list(cases)]).fetchall())
    assert got == cases
