"""A labelled corpus of Chinese free text: Faker zh_CN values in templates, plus traps.

Each record is one text cell and the set of (detector, normalised value) it truly holds. Traps
(wrong check digits, ID-like order numbers, masked values, passport shapes without context) are
mixed in with no label: any detection on them is a false positive. Some values are written with
full-width digits; their label is the normalised ASCII value. Used by tests (small) and by
bench/scan_accuracy.py (large).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker

from . import gen

FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

# Templates: {slot} names a generator below. Names appear with and without cues.
TEMPLATES = [
    "患者{name}，{sex}，{age}岁，身份证{rid}，主诉头痛三天，{diag}。",
    "客户{name}来电反映订单未到，联系电话{mobile}，地址{address}。",
    "{name}先生的手机是{mobile}，邮箱{email}，请尽快回访。",
    "收件人：{name} 电话：{mobile} 地址：{address}",
    "已为{name}女士办理退款，退回银行卡{card}，预计3个工作日到账。",
    "联系人{name}，证件号码{rid}，护照号{passport}，航班CA981。",
    "车辆{plate}于今日驶入停车场，车主{name}，手机{mobile}。",
    "用户登录IP {ipv4}，设备MAC {mac}，账号{email}。",
    "{name}说明天再来复诊，医生建议继续服药。",
    "投诉人{name}称快递员态度差，订单号{order}。",
    "今天{name}到店购买了两件商品，会员号{member}。",
    "经办人：{name}；联系方式：{mobile_sep}",
    "请{name}同学于周五前提交材料。",
    "定位坐标{gps}，车牌{plate}，行驶记录已上传。",
    "家属{name}签字确认，电话{landline}。",
    "{name}和{name2}一起参加了培训。",
    "身份证：{rid_full}，手机：{mobile_full}",
    "备注：持卡人{name}，卡号{card_sep}",
]

TRAP_TEMPLATES = [
    "订单号{order}已发货，请注意查收。",
    "证件号{rid_bad}核验失败。",
    "单号{rid_like}的快递已签收。",
    "手机{mobile_masked}的用户已注销，身份证{rid_masked}。",
    "航班{flightno}延误，座位{seat}。",
    "商品编码{card_bad}，库存12件。",
    "发票号码{invoice}，金额1234.56元。",
    "版本号{version}已发布，高血糖指标说明见附件。",
    "明天上午十点开会，地点在三楼会议室。",
    "票号E{digits8}，请妥善保存。",
]


@dataclass
class Record:
    text: str
    labels: set[tuple[str, str]] = field(default_factory=set)


class CorpusMaker:
    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def slots(self) -> dict[str, str]:
        """Display values for every slot; `_SLOT_LABEL` gives their normalised labels."""
        rng, fake = self.rng, self.fake
        rid = fake.ssn() if rng.random() < 0.5 else gen.rid(rng)
        mobile = fake.phone_number() if rng.random() < 0.5 else gen.mobile(rng)
        card = gen.card(rng)
        lat, lon = rng.uniform(20, 45), rng.uniform(100, 125)
        area = rng.choice(["010", "021", "0755", "0571"])
        sub = self._digits(8 if len(area) == 3 else 7)
        return {
            "name": fake.name(),
            "name2": fake.name(),
            "sex": rng.choice(["男", "女"]),
            "age": str(rng.randrange(18, 90)),
            "rid": rid,
            "rid_full": rid.translate(FULL),
            "mobile": mobile,
            "mobile_full": mobile.translate(FULL),
            "mobile_sep": f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
            "email": fake.email().lower(),
            "address": fake.address().split(" ")[0],
            "card": card,
            "card_sep": " ".join(card[i:i + 4] for i in range(0, len(card), 4)),
            "passport": "E" + self._digits(8),
            "plate": self._plate(),
            "ipv4": fake.ipv4(),
            "mac": fake.mac_address().lower(),
            "gps": f"{lat:.6f},{lon:.6f}",
            "landline": f"{area}-{sub}",
            "diag": rng.choice(["确诊高血压", "既往病史：糖尿病", "无过敏史"]),
            "order": self._digits(rng.choice([12, 16, 20, 22])),
            "member": "VIP" + self._digits(8),
        }

    def _plate(self) -> str:
        # Faker's plates use I and O, which GA 36 leaves out (they read as 1 and 0).
        while True:
            plate = self.fake.license_plate().replace("-", "")
            if "I" not in plate and "O" not in plate:
                return plate

    def trap_slots(self) -> dict[str, str]:
        rng = self.rng
        card = gen.card(rng)
        return {
            "order": self._digits(rng.choice([12, 20, 22])),
            "rid_bad": gen.rid_bad_check(rng),
            "rid_like": "2024" + self._digits(14),
            "mobile_masked": gen.mobile(rng)[:3] + "****" + self._digits(4),
            "rid_masked": gen.rid(rng)[:6] + "********" + self._digits(4),
            "flightno": "CA" + self._digits(4),
            "seat": f"{rng.randrange(1, 60)}A",
            "card_bad": gen.luhn_fail(card),
            "invoice": self._digits(8),
            "version": f"{rng.randrange(1, 9)}.{rng.randrange(0, 20)}.{rng.randrange(0, 9)}",
            "digits8": self._digits(8),
        }

    def record(self, trap_share: float = 0.25) -> Record:
        if self.rng.random() < trap_share:
            template = self.rng.choice(TRAP_TEMPLATES)
            return Record(template.format(**self.trap_slots()))
        template = self.rng.choice(TEMPLATES)
        slots = self.slots()
        labels = set()
        for slot, (detector, normalise) in _SLOT_LABEL.items():
            if "{" + slot + "}" in template:
                labels.add((detector, normalise(slots[slot])))
        return Record(template.format(**slots), labels)

    def records(self, n: int, trap_share: float = 0.25) -> list[Record]:
        return [self.record(trap_share) for _ in range(n)]


def _ascii(value: str) -> str:
    return value.translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))


def _digits_only(value: str) -> str:
    return "".join(c for c in _ascii(value) if c.isdigit())


_SLOT_LABEL = {
    "name": ("cn_person_name", str),
    "name2": ("cn_person_name", str),
    "rid": ("cn_resident_id", str),
    "rid_full": ("cn_resident_id", _ascii),
    "mobile": ("cn_mobile", str),
    "mobile_full": ("cn_mobile", _ascii),
    "mobile_sep": ("cn_mobile", _digits_only),
    "email": ("email", str),
    "address": ("cn_address", str),
    "card": ("bank_card", str),
    "card_sep": ("bank_card", _digits_only),
    "passport": ("travel_document", str),
    "plate": ("cn_plate", str),
    "ipv4": ("ipv4", str),
    "mac": ("mac", str),
    "gps": ("gps", str),
    "landline": ("cn_landline", _digits_only),
}

__all__ = ["CorpusMaker", "Record"]
