"""Chinese personal names, in name-like columns and in free text.

A name is a surname from `cn_surnames.dat` followed by one or two characters (or a minority name
with a middle dot). In a column, the column's name and the share of name-shaped values decide.
Chinese text has no word boundaries and many surnames are also common characters (高血压, 马上),
so in free text a name counts only next to a cue: a role word before it (患者, 联系人, 姓名：…) or
an honorific or reporting verb after it (先生, 女士, 来电, 反映…). Recall in free text is measured
by bench/scan_accuracy.py, not assumed.
"""

from __future__ import annotations

import polars as pl

from chujing.scan.detectors.base import Detector, read_table, staged

SURNAMES = [row[0] for row in read_table("cn_surnames.dat")]
COMPOUND = [s for s in SURNAMES if len(s) > 1]
SINGLE = [s for s in SURNAMES if len(s) == 1]
# Surnames that are far more often function words in running text.
_TEXT_STOP = set("和于向由但那都同")
_SURNAME_RE = "(?:" + "|".join(COMPOUND) + "|[" + "".join(SINGLE) + "])"
TEXT_SINGLE = [s for s in SINGLE if s not in _TEXT_STOP]
_TEXT_SURNAME_RE = "(?:" + "|".join(COMPOUND) + "|[" + "".join(TEXT_SINGLE) + "])"
_HAN = r"\p{Han}"
NAME_VALUE = rf"^{_SURNAME_RE}{_HAN}{{1,2}}$|^{_HAN}{{1,6}}·{_HAN}{{1,8}}$"

ROLES = ("患者", "病人", "客户", "顾客", "用户", "会员", "联系人", "姓名", "名字", "收件人", "收货人",
         "寄件人", "投诉人", "申请人", "持卡人", "购买人", "乘客", "旅客", "家属", "监护人", "学生", "员工",
         "职工", "本人", "经办人", "业主", "租户", "司机", "车主", "被保险人", "投保人", "受益人",
         "法定代表人", "负责人", "委托人", "名叫", "叫做", "签收人", "就诊人", "户主", "父亲", "母亲")
HONORIFICS = ("先生", "女士", "小姐", "同志", "老师", "医生", "大夫", "护士", "经理", "主任", "师傅",
              "阿姨", "同学", "教授", "律师", "总", "老板")
REPORTING = ("来电", "反映", "表示", "投诉", "致电", "来访", "到店", "来院", "签字", "签收", "办理",
             "本人", "的手机", "的电话", "的身份证", "的地址", "的银行卡")
CUE_WORDS = ROLES + HONORIFICS + REPORTING + ("说", "称", "认为", "要求", "提出")

ROLE_GAP = ":：是为"  # with whitespace, up to two between a role word and the name
# Alternations try their words in this order (longest first): the free-text kernel does too.
ROLE_ORDER = tuple(sorted(ROLES, key=len, reverse=True))
STRICT_ORDER = tuple(sorted(HONORIFICS + REPORTING, key=len, reverse=True))
_ROLE = "(?:" + "|".join(ROLE_ORDER) + rf")[\s{ROLE_GAP}]{{0,2}}"
_STRICT = "(?:" + "|".join(STRICT_ORDER) + ")"
# After a role word, a name may also end at punctuation or a common verb.
AFTER_ROLE_WORDS = ("说", "称", "于", "已", "在", "到", "来", "去", "将", "和", "与", "签", "的", "等",
                    "今", "明", "昨", "也")
_AFTER_ROLE = (_STRICT[:-1] + "|" + "|".join(AFTER_ROLE_WORDS) + r"|[^\p{Han}]|$)")

# A clause that opens with a name and a reporting verb (林东说…, 王芳称…). Only at the start of
# a cell or clause: inside a clause the same shape is mostly a word (明天说).
CLAUSE_PUNCT = "，。；！？,;!?"  # with whitespace
_CLAUSE_START = rf"(?:^|[{CLAUSE_PUNCT}\s])"
SAYS_WORDS = ("说", "称", "表示", "认为", "要求", "提出")
_SAYS = "(?:" + "|".join(SAYS_WORDS) + ")"

# Free-text alternatives: a role word then the name, the name then an honorific/verb, or a
# clause opening with the name and a reporting verb.
TEXT_PATTERN = (rf"{_ROLE}{_TEXT_SURNAME_RE}{_HAN}{{1,2}}?{_AFTER_ROLE}"
                rf"|{_TEXT_SURNAME_RE}{_HAN}{{1,2}}?{_STRICT}"
                rf"|{_CLAUSE_START}{_TEXT_SURNAME_RE}{_HAN}{{1,2}}?{_SAYS}")
# Two names joined without any cue (刘桂英和刘超一起…): each a surname plus one or two common
# given-name characters, the pair opening a clause and followed by its continuation.
GIVEN_CHARS = "".join(row[0] for row in read_table("cn_given_name_chars.dat"))
_GIVEN_NAME = rf"{_TEXT_SURNAME_RE}[{GIVEN_CHARS}]{{1,2}}"
PAIR_WORDS = ("和", "与", "、", "跟", "及", "同")
_JOINED_BY = "(?:" + "|".join(PAIR_WORDS) + ")"
PAIR_END_WORDS = ("一起", "一同", "都", "均", "共同", "分别", "同时", "两人", "二人", "俩", "也", "是", "在",
                  "已", "将", "于")
_PAIR_END = "(?:" + "|".join(PAIR_END_WORDS) + r"|[^\p{Han}]|$)"
PAIR_PATTERN = rf"{_CLAUSE_START}{_GIVEN_NAME}{_JOINED_BY}{_GIVEN_NAME}{_PAIR_END}"
PAIR_SEPARATOR = "\x1f"  # a pair's two names in one value, split by the text pass
TEXT_PATTERN = rf"{PAIR_PATTERN}|{TEXT_PATTERN}"
_EXTRACT_PAIR = (rf"^{_CLAUSE_START}({_GIVEN_NAME}){_JOINED_BY}({_GIVEN_NAME}){_PAIR_END}$")

_EXTRACT_ROLE = rf"^{_ROLE}({_TEXT_SURNAME_RE}{_HAN}{{1,2}}?){_AFTER_ROLE}"
_EXTRACT_CUE = rf"^({_TEXT_SURNAME_RE}{_HAN}{{1,2}}?){_STRICT}$"
_EXTRACT_SAYS = rf"^{_CLAUSE_START}({_TEXT_SURNAME_RE}{_HAN}{{1,2}}?){_SAYS}$"


def validate(values: pl.Series) -> pl.Series:
    s = pl.col("s")
    frame = staged(values, {"s": s.str.strip_chars().str.replace_all(r"\s", "")})
    out = frame.select(pl.when(s.str.contains(NAME_VALUE)).then(s).alias("s"))
    return out["s"].alias(values.name)


def validate_text(values: pl.Series) -> pl.Series:
    pair = pl.col("s").str.extract_groups(_EXTRACT_PAIR)
    frame = staged(values, {"p": pl.concat_str(pair.struct[0], pl.lit(PAIR_SEPARATOR),
                                               pair.struct[1]),
                            "a": pl.col("s").str.extract(_EXTRACT_ROLE, 1),
                            "b": pl.col("s").str.extract(_EXTRACT_CUE, 1),
                            "c": pl.col("s").str.extract(_EXTRACT_SAYS, 1)})
    return frame.select(pl.coalesce("p", "a", "b", "c").alias("s"))["s"].alias(values.name)


def mask(value: str) -> str:
    return value[:1] + "*" * (len(value) - 1)


DETECTOR = Detector(
    id="cn_person_name",
    category="name",
    validate=validate,
    text_validate=validate_text,
    header_hints=("姓名", "名字", "联系人", "收件人", "收货人", "寄件人", "患者", "客户名", "持卡人",
                  "name", "full_name", "contact_person", "patient"),
    needs_hint=True,
    column_threshold=0.5,
    cell_shape=r"^\s*\p{Han}",
    mask=mask,
    text_pattern=TEXT_PATTERN,
)
