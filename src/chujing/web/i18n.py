"""The pages' own words in Chinese and English (rule texts come from the rulebook, in both)."""

from __future__ import annotations

from chujing import labels as _labels

LANGS = ("zh", "en")

UI: dict[str, dict[str, str]] = {
    "title": {"zh": "数据出境路径向导", "en": "Outbound data transfer guide"},
    "tagline": {"zh": "回答几个问题，查看本次数据出境应走的法定路径及其依据。",
                "en": "Answer a few questions to see which legal route this export needs, and why."},
    "switch_lang": {"zh": "English", "en": "中文"},
    "switch_lang_label": {"zh": "切换语言", "en": "Switch language"},
    "no_auth_banner": {"zh": "警告：本服务以 --no-auth 方式运行，任何能访问此地址的人都可以使用，仅限本机使用。",
                       "en": "Warning: this server runs with --no-auth: anyone who can reach it can use it. "
                             "For local use only."},
    "nav_guide": {"zh": "问卷", "en": "Guide"},
    "nav_ledger": {"zh": "出境台账", "en": "Ledger"},
    "nav_api": {"zh": "API 文档", "en": "API docs"},
    "nav_logout": {"zh": "退出", "en": "Log out"},
    "sec_when": {"zh": "评估日期", "en": "Date of the assessment"},
    "as_of": {"zh": "适用法律的日期", "en": "Apply the law in force on"},
    "sec_org": {"zh": "贵单位", "en": "Your organisation"},
    "org_name": {"zh": "单位名称（可选）", "en": "Name (optional)"},
    "ftz": {"zh": "注册所在自贸区", "en": "Registered in a free trade zone"},
    "ftz_none": {"zh": "— 不在自贸区 —", "en": "— not in a free trade zone —"},
    "sector": {"zh": "行业", "en": "Sector"},
    "unknown": {"zh": "— 不确定 —", "en": "— not sure —"},
    "sec_transfer": {"zh": "本次出境", "en": "This transfer"},
    "scenario": {"zh": "业务场景", "en": "Business scenario"},
    "country": {"zh": "接收方所在国家或地区（两位代码，如 US）", "en": "Recipient's country or region (two letters, e.g. US)"},
    "grounds": {"zh": "出境是为了（可多选）", "en": "The transfer is needed for (tick all that apply)"},
    "sec_data": {"zh": "出境的数据", "en": "The data that leaves"},
    "item": {"zh": "数据项", "en": "Data item"},
    "item_name": {"zh": "名称（可选）", "en": "Name (optional)"},
    "item_kind": {"zh": "数据种类", "en": "Kind of data"},
    "choose": {"zh": "— 请选择 —", "en": "— choose —"},
    "item_subjects": {"zh": "涉及人数（按自然人去重）", "en": "People concerned (distinct natural persons)"},
    "add_item": {"zh": "添加数据项", "en": "Add a data item"},
    "remove": {"zh": "删除", "en": "Remove"},
    "sec_history": {"zh": "今年已出境的数据", "en": "Earlier transfers this year"},
    "history_hint": {"zh": "用于累计计算人数（按自然人去重后填写）。", "en": "Used to add up people over the counting window (give distinct persons)."},
    "history_date": {"zh": "日期", "en": "Date"},
    "use_ledger": {"zh": "从出境台账计入今年已登记的出境（代替在此列出）",
                   "en": "Count this year's transfers recorded in the ledger (instead of listing them here)"},
    "add_history": {"zh": "添加一次已出境记录", "en": "Add an earlier transfer"},
    "sec_questions": {"zh": "需要您回答的问题", "en": "Questions that matter"},
    "questions_none": {"zh": "目前没有其他会影响结论的问题。", "en": "No other question can change the route now."},
    "question_new": {"zh": "新问题", "en": "new"},
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
    "not_sure": {"zh": "不确定", "en": "Not sure"},
    "update_btn": {"zh": "更新", "en": "Update"},
    "see_decision": {"zh": "查看结论", "en": "See the decision"},
    "route_live": {"zh": "当前判断", "en": "Route so far"},
    "route_possible": {"zh": "可能的路径", "en": "Possible routes"},
    "route_waiting": {"zh": "请先说明出境的数据。", "en": "Tell us first what data leaves."},
    "fix_errors": {"zh": "请先更正标出的错误。", "en": "Please correct the marked errors first."},
    "js_hint": {"zh": "启用 JavaScript 时，路径会随回答实时更新；否则请点“更新”。",
                "en": "With JavaScript on, the route updates as you answer; otherwise press Update."},
    "decision": {"zh": "结论", "en": "Decision"},
    "summary": {"zh": "摘要", "en": "Summary"},
    "items_title": {"zh": "各数据项", "en": "Each data item"},
    "obligations": {"zh": "义务", "en": "Obligations"},
    "due": {"zh": "期限", "en": "due"},
    "headroom": {"zh": "距下一门槛的余量", "en": "Headroom to the next threshold"},
    "headroom_none": {"zh": "没有适用的人数门槛。", "en": "No head-count threshold applies."},
    "trace": {"zh": "判定过程（逐条规则）", "en": "Decision trace (rule by rule)"},
    "rule": {"zh": "规则", "en": "Rule"},
    "status": {"zh": "结果", "en": "Result"},
    "citation": {"zh": "出处", "en": "Citation"},
    "why": {"zh": "说明", "en": "Explanation"},
    "risks": {"zh": "风险提示", "en": "Risks"},
    "notes": {"zh": "说明", "en": "Notes"},
    "questions_left": {"zh": "仍需回答的问题", "en": "Questions still open"},
    "downloads": {"zh": "下载", "en": "Downloads"},
    "dl_json": {"zh": "结论 JSON", "en": "Decision (JSON)"},
    "dl_html": {"zh": "报告（HTML）", "en": "Report (HTML)"},
    "dl_pdf": {"zh": "报告（PDF）", "en": "Report (PDF)"},
    "dl_drafts": {"zh": "申报材料草稿", "en": "Filing drafts"},
    "no_report_module": {"zh": "PDF 报告和申报材料草稿需要报告模块（尚未安装）。",
                         "en": "PDF reports and filing drafts need the report module (not installed yet)."},
    "edit": {"zh": "修改回答", "en": "Change the answers"},
    "interpretation": {"zh": "此条依赖解释，请与监管部门确认", "en": "rests on an interpretation: confirm with the regulator"},
    "rulebook": {"zh": "规则库版本", "en": "Rulebook version"},
    "login": {"zh": "登录", "en": "Log in"},
    "token": {"zh": "API 令牌", "en": "API token"},
    "login_hint": {"zh": "用 `chujing token create 名称` 创建令牌，然后粘贴到这里。",
                   "en": "Create a token with `chujing token create NAME`, then paste it here."},
    "login_failed": {"zh": "令牌无效或已被撤销。", "en": "That token is invalid or revoked."},
    "ledger": {"zh": "出境台账", "en": "Transfer ledger"},
    "ledger_missing": {"zh": "台账模块尚未安装。", "en": "The ledger module is not installed yet."},
    "ledger_counts": {"zh": "今年累计出境人数与门槛", "en": "People exported this year against each threshold"},
    "transfers": {"zh": "出境记录", "en": "Transfers"},
    "record_from_scan": {"zh": "根据扫描结果登记一次出境", "en": "Record a transfer from a scan"},
    "upload_file": {"zh": "数据文件（CSV、Excel、Parquet、JSON）", "en": "Data file (CSV, Excel, Parquet, JSON)"},
    "transfer_id": {"zh": "出境记录编号", "en": "Transfer id"},
    "record": {"zh": "扫描并登记", "en": "Scan and record"},
    "scan_missing": {"zh": "扫描模块尚未安装。", "en": "The scanner module is not installed yet."},
    "error": {"zh": "出错了", "en": "Something went wrong"},
    "back": {"zh": "返回", "en": "Back"},
    "threshold": {"zh": "门槛", "en": "threshold"},
    "now": {"zh": "当前", "en": "now"},
    "ciio_q": {"zh": "贵单位是否为关键信息基础设施运营者（CIIO）？", "en": "Is your organisation a critical information infrastructure operator (CIIO)?"},
    "by_population": {"zh": "按人群累计出境人数", "en": "People exported per population"},
    "population": {"zh": "人群", "en": "Population"},
    "window": {"zh": "计数窗口", "en": "Counting window"},
    "country_short": {"zh": "国家/地区", "en": "Country"},
    "route": {"zh": "出境路径", "en": "Route"},
    "explain": {"zh": "术语说明", "en": "Explain this term"},
}

# Tooltips for terms a user must understand to answer. Plain-language readings with their source;
# the numbers and articles that decide a route live in the rulebook, not here.
GLOSSARY: dict[str, dict[str, str]] = {
    "ciio": {
        "zh": "关键信息基础设施运营者（CIIO）：公共通信、能源、交通、水利、金融、公共服务、电子政务、国防科技工业等重要行业和领域中，"
              "其网络设施一旦遭到破坏可能严重危害国家安全的运营者。是否属于 CIIO 由保护工作部门认定并通知本单位（《关键信息基础设施安全保护条例》）。",
        "en": "Critical information infrastructure operator (CIIO): an operator in an important sector (public "
              "communications, energy, transport, water, finance, public services, e-government, defence industry…) "
              "whose network facilities, if damaged, could seriously endanger national security. You are a CIIO only "
              "once the protecting department has identified you and told you so (CII Security Protection Regulations).",
    },
    "sensitive_personal_information": {
        "zh": "敏感个人信息：一旦泄露或者被非法使用，容易导致人格尊严受到侵害或者人身、财产安全受到危害的个人信息，包括生物识别、宗教信仰、"
              "特定身份、医疗健康、金融账户、行踪轨迹等信息，以及不满十四周岁未成年人的个人信息（《个人信息保护法》第二十八条）。",
        "en": "Sensitive personal information: information whose leak or misuse easily harms a person's dignity, "
              "safety or property — biometrics, religious beliefs, specific identities, medical and health data, "
              "financial accounts, whereabouts, and any information on children under fourteen (PIPL Art. 28).",
    },
    "important_data": {
        "zh": "重要数据：特定领域、特定群体、特定区域或者达到一定精度和规模，一旦被泄露、篡改或者破坏，可能直接危害国家安全、经济运行、"
              "社会稳定、公共健康和安全的数据。未被相关部门、地区告知或公开发布为重要数据的，不需作为重要数据申报安全评估（《促进和规范数据跨境流动规定》第二条）。",
        "en": "Important data: data in particular fields, groups or regions, or of a certain precision and scale, "
              "whose leak, tampering or destruction may directly endanger national security, the economy, social "
              "stability or public health and safety. Data not notified to you, nor published, as important data "
              "need not be declared as such (Provisions on Cross-Border Data Flows, Art. 2).",
    },
    "ftz": {
        "zh": "自贸区负面清单：自由贸易试验区可以制定需要纳入数据出境管理的数据清单（负面清单）。区内的处理者向境外提供清单外的数据，"
              "可以免予申报安全评估、订立标准合同或通过认证。适用条件通常包括：在区内登记注册的独立法人（不含分支机构），"
              "且数据在区内存储并从区内出境（《促进和规范数据跨境流动规定》第六条及各自贸区清单）。",
        "en": "FTZ negative lists: a pilot free trade zone may publish a list of data that stays under export "
              "controls. A handler in the zone may export data not on its list without a security assessment, "
              "standard contract or certification. The conditions usually are: an independent legal person "
              "registered in the zone (branches excluded), with the data stored in the zone and exported from it "
              "(Provisions on Cross-Border Data Flows, Art. 6, and each zone's list).",
    },
    "grounds": {
        "zh": "出境依据：为订立、履行个人作为一方当事人的合同（如跨境购物、寄递、支付、签证、考试服务）所必需；按照依法制定的劳动规章制度和"
              "依法签订的集体合同实施跨境人力资源管理所必需；紧急情况下为保护自然人的生命健康和财产安全所必需；境外收集、在境内处理后向境外提供（过境）。",
        "en": "Grounds: needed to make or perform a contract the person is party to (cross-border shopping, "
              "delivery, payment, visas, exams…); needed for cross-border HR management under lawful rules and "
              "collective contracts; needed in an emergency to protect someone's life, health or property; or data "
              "collected abroad, processed in China and sent back (transit).",
    },
}

# Shared with the terminal and the reports (chujing.labels): one table of zh/en words.
KIND_LABELS = _labels.KIND
GROUND_LABELS = _labels.GROUND
MODALITY_LABELS = _labels.MODALITY
STATUS_LABELS = _labels.STATUS


def pick_lang(value: str | None) -> str:
    return value if value in LANGS else "zh"


def t(key: str, lang: str) -> str:
    return UI[key][lang]
