-- What a registration's trade is: shared by the detectors that read the 行业代码
-- (chemical_unlicensed, disguised_name, trade_night). Installed by
-- detectors.base.install_trade_macros.

-- name: trade_words
-- The trade words and their codes (see registry_trades), and one pattern matching any of them,
-- longest first: one regex pass over a name or a clause instead of a join per word.
create or replace temp table xhg_trade_words (word, code) as values
    -- farming
    ('养猪', '0313'), ('生猪', '0313'), ('养牛', '0311'), ('肉牛', '0311'), ('奶牛', '0311'),
    ('养羊', '0314'), ('养鸡', '0321'), ('蛋鸡', '0321'), ('肉鸡', '0321'), ('养鸭', '0322'),
    ('养殖', '03'),
    -- food and drink
    ('饲料', '1329'), ('面粉', '1312'), ('粮油', '1331'), ('食用油', '1331'), ('榨油', '1331'),
    ('屠宰', '1351'), ('肉制品', '1353'), ('肉食品', '1353'), ('熟食', '1353'),
    ('淀粉', '1391'), ('粉条', '1391'), ('粉丝', '1391'), ('豆制品', '1392'), ('豆腐', '1392'),
    ('糕点', '1411'), ('面包', '1411'), ('烘焙', '1411'), ('酱油', '1462'), ('食醋', '1462'),
    ('醋业', '1462'), ('调味品', '1469'), ('杂粮', '1314'), ('挂面', '1431'), ('面条', '1431'),
    ('馒头', '1431'), ('速冻', '1432'), ('乳制品', '144'), ('乳业', '144'), ('罐头', '145'),
    ('蛋品', '1393'), ('食用菌', '1372'), ('食品', '14'), ('白酒', '1512'), ('酿酒', '1512'),
    ('酒业', '151'), ('纯净水', '1522'), ('矿泉水', '1522'), ('桶装水', '1522'), ('饮料', '152'),
    -- textiles, wood, paper, printing
    ('纺织', '17'), ('服装', '1819'), ('服饰', '1819'), ('鞋业', '1959'), ('木业', '2019'),
    ('木材加工', '2019'), ('胶合板', '2021'), ('密度板', '2022'), ('纤维板', '2022'),
    ('刨花板', '2023'), ('人造板', '2029'), ('木门', '2032'), ('家具', '2110'), ('纸业', '2221'),
    ('造纸', '2221'), ('纸箱', '2231'), ('纸制品', '2231'), ('印刷', '2319'), ('彩印', '2319'),
    ('印务', '2319'),
    -- chemicals (division 26) and plastics
    ('涂料', '2641'), ('油漆', '2641'), ('油墨', '2642'), ('颜料', '2643'), ('染料', '2645'),
    ('腻子', '2646'), ('化肥', '262'), ('复合肥', '2624'), ('复混肥', '2624'), ('掺混肥', '2624'),
    ('有机肥', '2625'), ('微生物肥', '2625'), ('农药', '2631'), ('合成树脂', '2651'),
    ('塑料颗粒', '2651'), ('改性塑料', '2651'), ('色母', '2651'), ('化学试剂', '2661'),
    ('助剂', '2661'), ('水处理剂', '2662'), ('净水剂', '2662'), ('聚合氯化铝', '2662'),
    ('聚丙烯酰胺', '2662'), ('絮凝剂', '2662'), ('外加剂', '2662'), ('减水剂', '2662'),
    ('胶粘剂', '2669'), ('粘合剂', '2669'), ('白乳胶', '2669'), ('烟花', '2672'), ('鞭炮', '2672'),
    ('洗衣液', '2681'), ('洗洁精', '2681'), ('洗涤剂', '2681'), ('洗衣粉', '2681'), ('肥皂', '2681'),
    ('化妆品', '2682'), ('香精', '2684'), ('香料', '2684'), ('日化', '268'), ('蜡烛', '2689'),
    ('轮胎', '2911'), ('橡胶', '291'), ('塑料薄膜', '2921'), ('农膜', '2921'), ('地膜', '2921'),
    ('塑料管', '2922'), ('编织袋', '2923'), ('泡沫', '2924'), ('塑料制品', '2929'), ('塑业', '292'),
    -- building materials, metal
    ('水泥制品', '3021'), ('水泥管', '3021'), ('商砼', '3021'), ('混凝土', '3021'),
    ('预制构件', '3022'), ('砖瓦', '3031'), ('砖厂', '3031'), ('墙材', '3031'), ('砌块', '3031'),
    ('红砖', '3031'), ('石材', '3032'), ('石灰', '3012'), ('石膏', '3012'), ('玻璃', '304'),
    ('陶瓷', '307'), ('铸造', '3391'), ('钢结构', '3311'), ('网架', '3311'), ('门窗', '3312'),
    ('电焊', '3311'), ('电镀', '3360'), ('热处理', '3360'),
    -- utilities and services
    ('自来水', '4610'), ('供水', '4610'), ('污水处理', '4620'), ('供热', '4430'), ('热力', '4430'),
    ('汽修', '8111'), ('汽车修理', '8111'), ('汽车维修', '8111'), ('运输', '5431'),
    ('物流', '5439'), ('餐饮', '6210'), ('饭店', '6210'), ('餐厅', '6210'), ('宾馆', '6129'),
    ('旅馆', '6129'), ('招待所', '6129'), ('超市', '5212'), ('加油站', '5265');

-- name: trade_pattern
set variable xhg_trade_pattern = (
    select string_agg(word, '|' order by length(word) desc, word) from xhg_trade_words);

-- name: registry_trades
-- Every registration's trade as a GB/T 4754-2017 code:
--   registered_code  the 行业代码 as filed, cut to its digits ('C2614', '[2614]' → '2614');
--   trade_code       registered_code, or where the registry gives none (the column is optional
--                    and many exports leave it blank) the code read from the firm's own words;
--   name_code, scope_code  what the name and the 经营范围 say, for registrations without a code;
--   code_source      '登记', '名称' or '经营范围': where trade_code comes from.
-- A registration's name must state its main trade (企业名称登记管理规定: the 行业 in a name
-- follows the main business), so a trade word in the name decides; a shop's name (经营部, 商行,
-- 超市 …) names what it sells, not makes, and is passed over. Else the first clause of the
-- 经营范围 that produces something (生产/制造/加工 …) and names a trade word. Only specific
-- words: 化工, 机械, 建材, 科技 name no trade and infer nothing. The words are the products of
-- the standard's classes (its notes), at the level they identify: 化肥 is group 262, 复合肥 2624.
create or replace temp macro xhg_registry_trades() as table
    with
    regs as (
        select uscc, name, scope, nullif(regexp_extract(industry_code, '[0-9]{2,4}'), '') as registered_code
        from registry
    ),
    uncoded as (
        select * from regs where registered_code is null
    ),
    by_name as (
        -- the trade word of the name naming the finest class (速冻食品: 1432, not 14), of equal
        -- ones the longest, then the last (the head of a compound: 混凝土外加剂 makes
        -- admixtures); a shop's excepted
        select n.uscc, arg_max(w.code, length(w.code) * 100000 + length(w.word) * 1000
                                       + least(strpos(n.name, w.word), 999)) as code
        from (
            select uscc, name, unnest(regexp_extract_all(name, getvariable('xhg_trade_pattern'))) as word
            from uncoded
        ) as n
        join xhg_trade_words as w using (word)
        where not regexp_matches(n.name, '经营部|商行|门市|商店|超市|批发|经销|销售|贸易|商贸|零售|专卖')
           or w.word = '超市'
        group by n.uscc
    ),
    clauses as (
        -- the clauses of the scope, in order, asides in brackets dropped (（不含危险化学品）,
        -- （聚羧酸减水剂）: an aside names no main trade)
        select uscc, generate_subscripts(parts, 1) as pos, unnest(parts) as clause
        from (
            select uscc, string_split_regex(regexp_replace(scope, '[（(][^（）()]*[）)]', '', 'g'),
                                            '[；;。，,]') as parts
            from uncoded
            where scope is not null
        )
    ),
    items as (
        -- the items of a producing clause (生猪、肉鸡养殖: the first named is the main one)
        select uscc, pos, generate_subscripts(parts, 1) as item_pos, unnest(parts) as item
        from (
            select uscc, pos, string_split(clause, '、') as parts
            from clauses
            where regexp_matches(clause, '生产|制造|制作|加工|养殖|饲养|屠宰|酿造|印刷|冶炼|铸造')
        )
    ),
    by_scope as (
        -- the first producing clause's first item naming a trade; in it the word as in a name
        select i.uscc, arg_min(w.code, i.pos * 100000000 + least(i.item_pos, 99) * 1000000
                                       - length(w.code) * 100000 - length(w.word) * 1000
                                       - least(strpos(i.item, w.word), 999)) as code
        from (
            select uscc, pos, item_pos, item,
                   unnest(regexp_extract_all(item, getvariable('xhg_trade_pattern'))) as word
            from items
        ) as i
        join xhg_trade_words as w using (word)
        group by i.uscc
    )
    select
        *,
        case when registered_code is not null then '登记'
             when trade_code = name_code then '名称'
             when trade_code = scope_code then '经营范围' end as code_source
    from (
        select
            r.uscc, r.registered_code, n.code as name_code, s.code as scope_code,
            -- the scope may name the name's trade finer (食品 14 in the name, 速冻食品生产 1432)
            coalesce(r.registered_code,
                     case when starts_with(s.code, n.code) then s.code else n.code end,
                     s.code) as trade_code
        from regs as r
        left join by_name as n using (uscc)
        left join by_scope as s using (uscc)
    );
