"""Signals for categories that are not identifiers: health, biometrics, religion, finance…

Two kinds of signal:
- a column named for the category (诊断, 指纹, 宗教…): every non-empty cell counts, because the
  record reveals the category even when its value is "无" (no allergy is health information);
- keywords in free text (确诊, 病史, 信仰…): the cell counts. Keyword lists are deliberately
  specific (确诊 rather than 医院) to keep false positives down; they are signals, not proof, and
  each hit is reported per column so a reviewer can judge.
Plus the person attributes read from their own columns: sex, birth date and age (a birth date or
age under 14 on the scan date marks a minor, PIPL Art. 28).
"""

from __future__ import annotations

from dataclasses import dataclass

from chujing.scan.detectors.base import header_matches


@dataclass(frozen=True)
class Signal:
    category: str
    header_hints: tuple[str, ...]
    keywords: tuple[str, ...] = ()

    def header_matches(self, column: str) -> bool:
        return header_matches(column, self.header_hints)


SIGNALS = (
    Signal("medical_health",
           ("诊断", "病历", "病史", "病情", "症状", "疾病", "过敏", "用药", "处方", "检验", "化验", "体检",
            "血型", "病种", "主诉", "健康", "医疗", "diagnos", "medical", "health", "disease",
            "allerg", "medication", "prescription", "symptom", "condition", "blood_type", "icd"),
           ("确诊", "诊断为", "病史", "患有", "病历", "处方", "住院", "手术", "化疗", "过敏史", "症状",
            "血压", "血糖", "糖尿病", "高血压", "抑郁症", "艾滋病", "乙肝", "肿瘤", "癌症", "怀孕",
            "妊娠", "不孕", "精神病", "传染病", "服用", "就诊", "复诊", "门诊号", "住院号")),
    Signal("biometric",
           ("指纹", "人脸", "面部", "虹膜", "声纹", "掌纹", "基因", "步态", "fingerprint", "face",
            "facial", "iris", "voiceprint", "biometric", "dna", "genome", "palm"),
           ("指纹", "人脸识别", "面部特征", "虹膜", "声纹", "掌纹", "基因检测", "基因序列", "DNA")),
    Signal("religious_belief",
           ("宗教", "信仰", "教派", "religio", "faith"),
           ("宗教信仰", "信仰", "佛教徒", "基督徒", "基督教", "天主教", "伊斯兰教", "穆斯林", "道教",
            "受洗", "礼拜", "皈依", "清真")),
    Signal("specific_identity",
           ("残疾", "残障", "disab", "handicap", "军官", "特殊身份"),
           ("残疾证", "残疾人", "肢体残疾", "视力残疾", "听力残疾", "智力残疾", "精神残疾")),
    Signal("financial_account",
           ("余额", "存款", "账户", "账号", "交易流水", "支付宝", "微信支付", "证券", "基金账户",
            "公积金", "balance", "account", "iban", "swift", "transaction"),
           ("银行账户", "账户余额", "交易流水", "证券账户", "基金账户", "公积金账户", "支付密码", "银行卡号",
            "卡号", "信用卡")),
    Signal("credit_reference",
           ("征信", "信用报告", "信用分", "credit_score", "credit_report", "credit_rating"),
           ("征信", "信用报告", "逾期记录", "失信")),
    Signal("criminal_record",
           ("犯罪", "前科", "刑事", "违法记录", "criminal", "conviction"),
           ("犯罪记录", "前科", "刑事处罚", "服刑", "判处", "刑满释放", "违法犯罪")),
    Signal("whereabouts_tracks",
           ("轨迹", "行程", "行踪", "trajectory", "itinerary", "track_points"),
           ("行动轨迹", "行程轨迹", "出行记录", "开房记录", "住宿记录")),
    Signal("id_card_photo",
           ("身份证照", "证件照", "id_photo", "idcard_img", "id_card_image"),
           ("身份证正面", "身份证反面", "身份证照片")),
)

SEX_HINTS = ("性别", "sex", "gender")
SEX_VALUES = ("男", "女", "m", "f", "male", "female", "男性", "女性")
BIRTH_HINTS = ("出生日期", "出生年月", "生日", "birth", "dob")
AGE_HINTS = ("年龄", "age", "周岁")


KEYWORD_CATEGORY = {kw: sig.category for sig in SIGNALS for kw in sig.keywords}
KEYWORD_PATTERN = "(?:" + "|".join(sorted(KEYWORD_CATEGORY, key=len, reverse=True)) + ")"
