"""Chinese vocabulary and identifiers: names, firm templates, scopes, USCC, plates.

Firm templates give what an ordinary registration looks like in a county of 运城: a trade
name (字号), an industry word, a 经营范围 written the way market supervision prints it, the
GB/T 4754 code, and the power tariff and load profile such a business has.
"""

from __future__ import annotations

import numpy as np

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡"
                "蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷黎史")
GIVEN = list("建国军民红英华明伟强勇杰涛磊鹏超刚平辉波斌宏亮志文海峰林玉兰秀芳丽霞娟敏燕艳静"
             "丹萍娜晓春小永德胜利福安全云龙飞俊凯毅浩帅旭宁坤鑫彬荣新岗")
ZIHAO = ["鑫源", "恒达", "宏泰", "晋盛", "瑞丰", "永兴", "盛华", "金鼎", "华泰", "鼎盛", "兴旺", "万通",
         "天宇", "德顺", "昌隆", "聚丰", "博远", "锦程", "润泽", "嘉禾", "信诚", "祥瑞", "中条", "禹都",
         "河东", "盐池", "凤翔", "泰和", "众合", "益民", "丰源", "金诺", "汇通", "东升", "正阳", "康达",
         "华晟", "晋南", "运达", "亿嘉", "安泰", "广源", "顺发", "宏发", "佳美", "绿源", "新希", "百川"]

# key: (name word, company form, scope, industry code, tariff, profile, three-phase probability,
#       base kWh/day median)
FIRMS: dict[str, tuple] = {
    "retail": ("商贸", "有限公司", "日用百货、五金交电、服装鞋帽、文具用品、针纺织品销售；预包装食品销售"
               "（依法须经批准的项目，经相关部门批准后方可开展经营活动）", "5211", "一般工商业用电",
               "shop", 0.1, 25),
    "supermarket": ("超市", "有限公司", "食品经营；日用百货、烟酒、生鲜果蔬零售；预包装食品销售",
                    "5212", "一般工商业用电", "shop", 0.5, 90),
    "restaurant": ("餐饮", "有限公司", "餐饮服务；食品销售；烟酒零售", "6210", "一般工商业用电",
                   "shop", 0.4, 60),
    "hardware": ("五金建材", "经营部", "五金交电、建材、水暖器材、电线电缆、劳保用品零售", "5281",
                 "一般工商业用电", "shop", 0.1, 15),
    "agri_supply": ("农资", "有限公司", "化肥、农药（不含危险化学品）、种子、农膜、农机具零售；"
                    "农业技术咨询服务", "5166", "一般工商业用电", "shop", 0.1, 15),
    "repair": ("汽修", "有限公司", "机动车维修；汽车零配件、润滑油销售；轮胎销售", "8111",
               "一般工商业用电", "workshop", 0.6, 40),
    "logistics": ("物流", "有限公司", "普通货物道路运输；仓储服务（不含危险化学品）；装卸搬运；"
                  "货物信息咨询", "5431", "一般工商业用电", "office", 0.3, 35),
    "building": ("建材", "有限公司", "水泥制品、混凝土预制构件、砖瓦生产销售；建材批发", "3021",
                 "一般工商业用电", "factory_day", 0.95, 400),
    "brick": ("新型墙材", "有限公司", "粘土砖、烧结砖、建筑砌块制造与销售", "3031", "大工业用电",
              "factory_24h", 1.0, 3500),
    "food": ("食品", "有限公司", "食品生产；粮食收购；面粉、挂面、米面制品加工销售", "1431",
             "一般工商业用电", "factory_day", 0.9, 300),
    "feed": ("饲料", "有限公司", "饲料生产、销售；粮食收购；饲料原料购销", "1329", "一般工商业用电",
             "factory_day", 0.9, 450),
    "furniture": ("家具", "有限公司", "木质家具、办公家具制造、销售；木材加工", "2110",
                  "一般工商业用电", "factory_day", 0.9, 250),
    "metal": ("钢结构", "有限公司", "钢结构制作安装；金属门窗、彩钢板加工；机械零部件加工", "3311",
              "一般工商业用电", "factory_day", 1.0, 500),
    "plastics": ("塑业", "有限公司", "塑料管材、塑料薄膜、塑料制品生产销售", "2922", "大工业用电",
                 "factory_day", 1.0, 1200),
    "farm": ("养殖", "专业合作社", "生猪、肉牛、蛋鸡养殖及销售；农副产品购销", "0313",
             "农业生产用电", "farm", 0.7, 120),
    "orchard": ("果业", "专业合作社", "苹果、桃、核桃种植及销售；果品储藏；农业技术咨询", "0141",
                "农业生产用电", "irrigation", 0.6, 80),
    "software": ("网络科技", "有限公司", "软件开发；信息技术咨询服务；网站建设；计算机软硬件销售",
                 "6513", "一般工商业用电", "office", 0.0, 20),
    "liquor": ("酒业", "有限公司", "白酒生产、销售；预包装食品销售", "1512", "一般工商业用电",
               "factory_day", 0.9, 350),
}

# The chemicals that move on the county's roads: name, UN number.
CHEMICALS = [("甲醇", "1230"), ("乙醇", "1170"), ("汽油", "1203"), ("柴油", "1202"),
             ("甲苯", "1294"), ("二甲苯", "1307"), ("丙酮", "1090"), ("乙酸乙酯", "1173"),
             ("盐酸", "1789"), ("硫酸", "1830"), ("硝酸", "2031"), ("氢氧化钠溶液", "1824"),
             ("液氨", "1005"), ("液化石油气", "1075"), ("甲醛溶液", "2209"), ("二氯甲烷", "1593"),
             ("过氧化氢溶液", "2014"), ("乙酸", "2789"), ("异丙醇", "1219"), ("次氯酸钠溶液", "1791"),
             ("丙烯酸", "2218"), ("氧气", "1072"), ("溶解乙炔", "1001"), ("稀释剂", "1263")]
CHEM_UN = dict(CHEMICALS)
FUELS = ["汽油", "柴油"]

# The word lists as arrays, made once: `rng.choice` turns a list into an array on every call
# (~40 % of a province block's name drawing); drawing from the array gives the same values
# from the same generator state.
_SURNAMES = np.array(SURNAMES)
_GIVEN = np.array(GIVEN)
_ZIHAO = np.array(ZIHAO)
_DIGITS = np.array(list("0123456789"))
_PHONE_PREFIXES = np.array(["35", "38", "39", "52", "58", "37", "86", "88"])
_PLATE_LETTERS = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_CHARS = np.array(list(USCC_ALPHABET))


def uscc_check(body17: str) -> str:
    """GB 32100 check character of the first 17 characters."""
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def make_uscc(rng: np.random.Generator, kind: str = "91", division: str = "140828") -> str:
    """A valid code: registering authority + type (91 company, 92 个体, 93 合作社), division, org."""
    org = "".join(rng.choice(_DIGITS, 6)) + "".join(rng.choice(_USCC_CHARS, 3))
    body = kind + division + "MA0" + org[3:] if rng.random() < 0.6 else kind + division + org
    body = body[:17]
    return body + uscc_check(body)


def person(rng: np.random.Generator) -> str:
    n = 2 if rng.random() < 0.7 else 1
    return str(rng.choice(_SURNAMES)) + "".join(rng.choice(_GIVEN, n))


def phone(rng: np.random.Generator) -> str:
    return "1" + str(rng.choice(_PHONE_PREFIXES)) + "".join(rng.choice(_DIGITS, 8))


def plate(rng: np.random.Generator, region: str = "晋M", trailer: bool = False) -> str:
    """A hazmat plate in canonical form (no dot); trailers end in 挂."""
    if trailer:
        return region + "".join(rng.choice(_DIGITS, 4)) + "挂"
    return region + str(rng.choice(_PLATE_LETTERS)) + "".join(rng.choice(_DIGITS, 4))


def numbered_plate(region: str, n: int) -> str:
    """The n-th plate of a region (n < 240,000): a letter, then four digits (晋M + A0042)."""
    return region + str(_PLATE_LETTERS[n // 10_000]) + f"{n % 10_000:04d}"


def firm_name(rng: np.random.Generator, word: str, form: str, county: str = "夏县") -> str:
    zh = str(rng.choice(_ZIHAO))
    if rng.random() < 0.3:
        zh += str(rng.choice(["", "源", "达", "兴", "盛"]))
    return f"{county}{zh}{word}{form}" if rng.random() < 0.8 else f"山西{zh}{word}{form}"
