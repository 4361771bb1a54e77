"""Every fixed phrase of the reports and drafts, in Chinese and English."""

from __future__ import annotations

from chujing import labels
from chujing.decision import PATHWAY_LABELS

TODO = "【待填写 / TO COMPLETE】"

T: dict[str, dict[str, str]] = {
    "title": {"zh": "数据出境合规评估报告", "en": "Outbound data transfer assessment"},
    "route": {"zh": "出境路径", "en": "Route"},
    "reason": {"zh": "理由", "en": "Why"},
    "possible": {"zh": "视未知事实而定，可能的路径", "en": "Possible routes, depending on the unknown facts"},
    "questions": {"zh": "需要补充的信息", "en": "Information needed"},
    "facts": {"zh": "所认定的事实", "en": "Facts as understood"},
    "facts_from_decision": {
        "zh": "本报告依据评估结果（JSON）生成，未提供场景文件；以下事实取自评估结果中的数据项与计数。",
        "en": "This report was made from a decision (JSON) without the scenario file; the facts below "
              "are the data items and counts recorded in the decision."},
    "processor": {"zh": "数据处理者", "en": "Handler"},
    "transfer": {"zh": "本次出境", "en": "This transfer"},
    "data_items": {"zh": "出境数据项", "en": "Data items"},
    "history": {"zh": "本年度此前的出境", "en": "Earlier transfers"},
    "counts": {"zh": "计数（按自然人去重）", "en": "Counts (distinct natural persons)"},
    "trace": {"zh": "判定过程", "en": "Decision trace"},
    "trace_intro": {
        "zh": "逐条列出所考虑的规则：是否适用、所比较的数字、出处及说明。",
        "en": "Each rule considered: whether it applied, the figures compared, its citation and why."},
    "obligations": {"zh": "义务与期限", "en": "Obligations and deadlines"},
    "headroom": {"zh": "距各门槛的余量", "en": "Headroom to each threshold"},
    "chart_caption": {
        "zh": "本年度累计出境人数与各门槛的对比（每行按各自门槛缩放；竖线为门槛）。",
        "en": "This year's cumulative people against each threshold (each row scaled to its own "
              "threshold; the vertical line marks the threshold)."},
    "risks": {"zh": "风险提示", "en": "Risks"},
    "notes": {"zh": "说明", "en": "Notes"},
    "inventory": {"zh": "附件：数据资产清单", "en": "Annex: data inventory"},
    "provenance": {"zh": "评估依据与可复现信息", "en": "Basis and reproducibility"},
    "limits": {"zh": "本工具不作判断的事项", "en": "What this tool does not decide"},
    "rulebook_version": {"zh": "规则库版本", "en": "Rulebook version"},
    "rulebook_hash": {"zh": "规则库哈希", "en": "Rulebook hash"},
    "as_of": {"zh": "评估日期", "en": "Date of assessment"},
    "inputs_hash": {"zh": "输入哈希（SHA-256）", "en": "Hash of the inputs (SHA-256)"},
    "scenario_hash": {"zh": "场景哈希", "en": "Scenario hash"},
    "company": {"zh": "公司", "en": "Company"},
    "page": {"zh": "第", "en": "Page"},
    # table heads
    "h_rule": {"zh": "规则", "en": "Rule"},
    "h_item": {"zh": "数据项", "en": "Item"},
    "h_status": {"zh": "结果", "en": "Result"},
    "h_figures": {"zh": "比较的数字", "en": "Figures compared"},
    "h_citation": {"zh": "出处", "en": "Citation"},
    "h_explanation": {"zh": "说明", "en": "Explanation"},
    "h_obligation": {"zh": "义务", "en": "Obligation"},
    "h_deadline": {"zh": "期限", "en": "Deadline"},
    "h_counter": {"zh": "计数", "en": "Counter"},
    "h_threshold": {"zh": "门槛", "en": "Threshold"},
    "h_current": {"zh": "当前", "en": "Now"},
    "h_remaining": {"zh": "余量", "en": "Remaining"},
    "h_field": {"zh": "事项", "en": "Fact"},
    "h_value": {"zh": "内容", "en": "Value"},
    "h_name": {"zh": "名称", "en": "Name"},
    "h_kind": {"zh": "类型", "en": "Kind"},
    "h_subjects": {"zh": "人数", "en": "People"},
    "h_categories": {"zh": "类别", "en": "Categories"},
    "h_counted": {"zh": "是否计入", "en": "Counted"},
    "h_date": {"zh": "日期", "en": "Date"},
    "h_grounds": {"zh": "依据", "en": "Grounds"},
    "h_dataset": {"zh": "数据集", "en": "Dataset"},
    "h_column": {"zh": "字段", "en": "Field"},
    "h_category": {"zh": "个人信息类别", "en": "PI category"},
    "h_sensitive": {"zh": "敏感", "en": "Sensitive"},
    "h_samples": {"zh": "脱敏样例", "en": "Masked samples"},
    "h_rows": {"zh": "行数", "en": "Rows"},
    "h_format": {"zh": "格式", "en": "Format"},
    "h_persons": {"zh": "人数", "en": "People"},
    "h_matches": {"zh": "命中", "en": "Matches"},
    "h_route": {"zh": "路径", "en": "Route"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "unknown": {"zh": "未知", "en": "unknown"},
    "none": {"zh": "无", "en": "none"},
    "conditional": {"zh": "（视情况）", "en": " (conditional)"},
    "interpretation": {"zh": "解释性判断，请与监管机构确认", "en": "rests on an interpretation: confirm with the regulator"},
    "window_opens": {"zh": "窗口开启", "en": "window opens"},
    "retention": {"zh": "保存年限", "en": "keep for (years)"},
    "reached": {"zh": "已达到", "en": "reached"},
    "inv_none": {
        "zh": "未提供扫描清单（chujing scan 的 manifest 或 JSON 输出）；下表取自场景所述数据项，字段与人数请补充核实。",
        "en": "No scan was given (a chujing scan manifest or JSON output); the table below lists the "
              "scenario's data items — complete and check fields and counts."},
    "inv_scan": {"zh": "扫描概况", "en": "Scan summary"},
    "inv_profile": {"zh": "敏感性判定标准", "en": "Sensitivity profile"},
    "inv_key": {"zh": "人员密钥指纹", "en": "Person-key fingerprint"},
    "inv_subjects": {"zh": "自然人（去重）", "en": "Natural persons (distinct)"},
    "inv_sensitive_subjects": {"zh": "涉及敏感个人信息的自然人", "en": "With sensitive PI"},
    "inv_minors": {"zh": "不满十四周岁未成年人", "en": "Minors under 14"},
    "inv_datasets": {"zh": "数据集与字段", "en": "Datasets and fields"},
    "inv_categories": {"zh": "各类别人数", "en": "People per category"},
    "inv_fields_unknown": {
        "zh": "扫描清单（manifest）不含字段明细；字段请参照 chujing scan --format json 的输出补充。",
        "en": "A manifest does not list fields; add them from `chujing scan --format json`."},
    "inv_masked": {"zh": "样例均已脱敏；报告中不含原始个人信息。",
                   "en": "Samples are masked; the report holds no raw personal information."},
}

ROUTE = PATHWAY_LABELS

STATUS = labels.STATUS

KIND = {
    "personal_information": {"zh": "个人信息", "en": "personal information"},
    "sensitive_personal_information": {"zh": "敏感个人信息", "en": "sensitive personal information"},
    "important_data": {"zh": "重要数据", "en": "important data"},
    "genetic": {"zh": "人类遗传资源信息", "en": "human genetic resources"},
    "general": {"zh": "一般数据", "en": "general data"},
}

GROUND = {
    "contract": {"zh": "订立、履行个人作为一方当事人的合同所必需", "en": "necessary for a contract with the individual"},
    "hr": {"zh": "跨境人力资源管理所必需", "en": "cross-border HR management"},
    "emergency": {"zh": "紧急情况下保护自然人生命健康和财产安全", "en": "emergency (life, health, property)"},
    "statutory_duty": {"zh": "履行法定职责或者法定义务", "en": "statutory duty or obligation"},
    "transit": {"zh": "境外收集、境内处理后出境（过境）", "en": "collected abroad, processed here, sent back (transit)"},
    "trade_no_pi": {"zh": "国际贸易等活动中收集的不含个人信息的数据", "en": "trade etc. data without personal information"},
}

# The engine's counters (engine/context.py COUNTERS): count.pi counts every person whose personal
# information was exported, those with sensitive information included; count.spi those with sensitive.
COUNTER = {
    "count.pi": {"zh": "本年度累计出境个人信息人数", "en": "people whose personal information was exported this year"},
    "count.spi": {"zh": "本年度累计出境敏感个人信息人数",
                  "en": "people whose sensitive personal information was exported this year"},
    "count.population": {"zh": "该人群本年度累计出境人数", "en": "people of this population exported this year"},
    "count.population_spi": {"zh": "该人群本年度累计出境敏感个人信息人数",
                             "en": "people of this population whose sensitive PI was exported this year"},
    "count.modality_spi": {"zh": "该形式本年度累计出境敏感个人信息人数",
                           "en": "people whose sensitive PI in this form was exported this year"},
}

OP = {"at_least": "≥", "more_than": ">", "below": "<", "at_most": "≤"}

# Scenario fields, by design.md's names.
FIELD = {
    "processor.name": {"zh": "名称", "en": "name"},
    "processor.ciio": {"zh": "关键信息基础设施运营者", "en": "critical information infrastructure operator"},
    "processor.pi_subjects_processed": {"zh": "处理个人信息的人数", "en": "people whose PI it processes"},
    "processor.ftz": {"zh": "自贸区", "en": "free trade zone"},
    "processor.independent_legal_person": {"zh": "独立法人", "en": "independent legal person"},
    "processor.data_stored_in_ftz": {"zh": "数据存储于自贸区内", "en": "data stored in the zone"},
    "processor.sector": {"zh": "行业", "en": "sector"},
    "processor.state_organ": {"zh": "国家机关", "en": "state organ"},
    "processor.network_platform_users": {"zh": "网络平台用户数", "en": "network platform users"},
    "processor.foreign_listing_planned": {"zh": "拟赴国外上市", "en": "listing abroad planned"},
    "processor.last_audit_date": {"zh": "上次合规审计日期", "en": "last compliance audit"},
    "processor.turnover_cny": {"zh": "上一年度营业额（元）", "en": "prior-year turnover (CNY)"},
    "processor.autonomous_driving": {"zh": "自动驾驶业务", "en": "autonomous driving"},
    "transfer.date": {"zh": "出境日期", "en": "date"},
    "transfer.recipient.name": {"zh": "境外接收方", "en": "overseas recipient"},
    "transfer.recipient.country": {"zh": "接收方所在国家或地区", "en": "recipient's country or region"},
    "transfer.recipient.foreign_judicial_or_law_enforcement": {
        "zh": "接收方为外国司法或执法机构", "en": "recipient is a foreign judicial or law-enforcement body"},
    "transfer.recipient.on_restricted_list": {"zh": "接收方在限制或禁止提供清单上",
                                              "en": "recipient on the restricted/prohibited list"},
    "transfer.scenario": {"zh": "业务场景", "en": "scenario"},
    "transfer.grounds": {"zh": "出境依据", "en": "grounds"},
    "transfer.domestic_data_added": {"zh": "加入了境内数据", "en": "domestic data added"},
    "transfer.subjects_total": {"zh": "本次出境自然人（去重）", "en": "people in this transfer (distinct)"},
    "transfer.sensitive_subjects_total": {"zh": "本次出境敏感个人信息自然人", "en": "people with sensitive PI in this transfer"},
    "transfer.ongoing": {"zh": "持续出境", "en": "ongoing"},
    "transfer.contract_effective_date": {"zh": "标准合同生效日期", "en": "standard contract effective"},
    "transfer.security_assessment_approved": {"zh": "安全评估通过日期", "en": "security assessment approved"},
    "transfer.certification_date": {"zh": "认证证书颁发日期", "en": "certificate issued"},
    "transfer.pipia_date": {"zh": "个人信息保护影响评估完成日期", "en": "PIPIA completed"},
    "transfer.export_controlled": {"zh": "涉及出口管制", "en": "export-controlled"},
    "transfer.foreign_authority_request": {"zh": "应外国机构要求提供", "en": "requested by a foreign authority"},
    "transfer.core_data": {"zh": "涉及核心数据", "en": "core data"},
}

LIMITS = [
    {"zh": "本报告由规则引擎依据所填事实和所载规则库自动生成，不构成法律意见；结论取决于所填事实的真实、完整。",
     "en": "This report is generated by a rules engine from the facts given and the rulebook it "
           "records; it is not legal advice, and it is only as good as those facts."},
    {"zh": "本工具不认定重要数据、关键信息基础设施运营者身份或敏感个人信息的最终归属；这些由主管部门或处理者依法认定。",
     "en": "It does not identify important data, CIIO status or, finally, what is sensitive personal "
           "information: the competent authorities or the handler decide those under the law."},
    {"zh": "本工具不判断出境目的的合法性、正当性和必要性，也不评估境外接收方的保护能力或所在国家或地区的法律环境。",
     "en": "It does not judge whether the purpose is lawful, legitimate and necessary, nor the "
           "recipient's safeguards or the law of the recipient's country."},
    {"zh": "本工具不替代个人信息保护影响评估、数据出境风险自评估、标准合同备案、安全评估申报或认证；监管机构的决定以其结论为准。",
     "en": "It does not replace the PIPIA, the self-assessment, the contract filing, the security "
           "assessment or certification; the regulator's decision prevails."},
    {"zh": "标注“解释性判断”的结论依赖对法规的解读，请与监管机构或律师确认。",
     "en": "Findings marked as interpretations rest on a reading of the law: confirm them with the "
           "regulator or counsel."},
]
