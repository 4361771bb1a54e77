"""Words shown to people, in Chinese and English — one table for the terminal, reports and web.

Route names come from `chujing.decision.PATHWAY_LABELS`; rule texts come from the rulebook.
"""

from __future__ import annotations

from chujing.decision import PATHWAY_LABELS

ROUTE = PATHWAY_LABELS

STATUS = {
    "applies": {"zh": "适用", "en": "applies"},
    "not_applicable": {"zh": "不适用", "en": "does not apply"},
    "defeated": {"zh": "被排除", "en": "overridden"},
    "unknown": {"zh": "未知", "en": "unknown"},
    "in_force": {"zh": "有效", "en": "in force"},
    "superseded": {"zh": "已被取代", "en": "superseded"},
}

KIND = {
    "personal_information": {"zh": "个人信息", "en": "personal information"},
    "sensitive_personal_information": {"zh": "敏感个人信息", "en": "sensitive personal information"},
    "important_data": {"zh": "重要数据", "en": "important data"},
    "genetic": {"zh": "人类遗传资源信息", "en": "human genetic resources information"},
    "general": {"zh": "一般数据（不含个人信息）", "en": "general data (no personal information)"},
}

GROUND = {
    "contract": {"zh": "订立、履行个人作为一方当事人的合同所必需", "en": "necessary for a contract the person is party to"},
    "hr": {"zh": "跨境人力资源管理所必需", "en": "cross-border HR management"},
    "emergency": {"zh": "紧急情况下保护自然人生命健康和财产安全", "en": "an emergency protecting life, health or property"},
    "statutory_duty": {"zh": "履行法定职责或者法定义务", "en": "a statutory duty or obligation"},
    "transit": {"zh": "境外收集、境内处理后再出境（过境）", "en": "transit: collected abroad, processed in China, sent back"},
    "trade_no_pi": {"zh": "国际贸易等活动中收集和产生的数据，不含个人信息或重要数据",
                    "en": "trade and similar data without personal information or important data"},
}

MODALITY = {
    "structured": {"zh": "结构化", "en": "structured"},
    "text": {"zh": "文本", "en": "text"},
    "image": {"zh": "图像", "en": "image"},
    "audio": {"zh": "音频", "en": "audio"},
    "video": {"zh": "视频", "en": "video"},
}

COUNTER = {
    "count.pi": {"zh": "累计出境个人信息人数", "en": "people whose personal information was exported this window"},
    "count.spi": {"zh": "累计出境敏感个人信息人数", "en": "people whose sensitive personal information was exported this window"},
    "count.population": {"zh": "该人群累计出境人数", "en": "people of this population exported this window"},
    "count.population_spi": {"zh": "该人群累计出境敏感个人信息人数",
                             "en": "people of this population whose sensitive PI was exported this window"},
    "count.modality_spi": {"zh": "该形态数据中累计出境敏感个人信息人数",
                           "en": "people whose sensitive PI was exported in data of this modality this window"},
}
