"""The fixed text of the filing drafts: outlines and checklists, with where each comes from.

Sources (regulations.md; confidence in brackets):
- PIPIA focus points: SC Measures Art. 5 (1)–(6) [H]; certification PIPIA: Cert. Measures Art. 6 [H].
- SC filing materials: SC filing guide 2nd ed. (7 items) [H]; SC annex 1 (个人信息出境说明) [H: two
  appendices; field list from the template as generally published, L].
- Self-assessment points: SA Measures Art. 5 [H/M]; the report's four-part outline follows the
  template annexed to the SA declaration guide as publicly described [L: not checked against the file].
- SA declaration materials: SA guide 2nd ed. (8 items) [M]; legal-document contents: SA Measures Art. 9 [M].
- Certification: Cert. Measures Arts. 3, 5–8, 12 [H]; standards GB/T 46068-2025, TC260-PG-20222A [M].
"""

from __future__ import annotations

B = dict[str, str]


def bi(zh: str, en: str) -> B:
    return {"zh": zh, "en": en}


NOTICE = bi(
    "本草稿由 chujing 依据场景、评估结果和（如有）数据扫描结果预填。标注【待填写 / TO COMPLETE】的部分须由处理者补充、核实；"
    "本草稿不构成法律意见，提交前请由负责人和法律顾问审阅。",
    "Draft prefilled by chujing from the scenario, the decision and (where given) the scan. Parts marked "
    "【待填写 / TO COMPLETE】 are for the handler to write and check; this draft is not legal advice — have "
    "it reviewed by the responsible officer and counsel before filing.")

# --- PIPIA (standard contract route) -------------------------------------------------------------
PIPIA_TITLE = bi("个人信息保护影响评估报告", "Personal information protection impact assessment (PIPIA) report")
PIPIA_BASIS = [
    bi("《中华人民共和国个人信息保护法》第三十八条、第三十九条、第五十五条、第五十六条",
       "PIPL Arts. 38, 39, 55, 56"),
    bi("《个人信息出境标准合同办法》第五条、第七条", "SC Measures Arts. 5, 7"),
    bi("《促进和规范数据跨境流动规定》", "Provisions on Promoting and Regulating Cross-Border Data Flows"),
    bi("《个人信息出境标准合同备案指南（第二版）》", "SC filing guide (2nd ed.)"),
]
# SC Measures Art. 5: what the PIPIA must focus on.
PIPIA_POINTS = [
    (bi("个人信息处理者和境外接收方处理个人信息的目的、范围、方式等的合法性、正当性、必要性",
        "Legality, legitimacy and necessity of the purpose, scope and method of processing by the handler and the recipient"),
     bi("说明出境目的与业务的关联、所出境字段为实现目的所必需（最小必要）、处理依据（同意或其他）及告知、单独同意的落实情况。",
        "Explain how the export serves the business, why each field is needed (minimum necessary), the legal basis, and how notice and separate consent were given.")),
    (bi("出境个人信息的规模、范围、种类、敏感程度，个人信息出境可能对个人信息权益带来的风险",
        "Scale, scope, categories and sensitivity of the exported PI, and the risks the export poses to individuals' rights"),
     None),
    (bi("境外接收方承诺承担的义务，以及履行义务的管理和技术措施、能力等能否保障出境个人信息的安全",
        "The recipient's obligations, and whether its management and technical measures and capability can keep the PI secure"),
     bi("描述境外接收方的安全管理制度、技术措施（加密、访问控制、日志审计等）、认证情况及过往安全记录。",
        "Describe the recipient's security policies, technical measures (encryption, access control, logging), certifications and record.")),
    (bi("个人信息出境后遭到篡改、破坏、泄露、丢失、非法利用等的风险，个人信息权益维护的渠道是否通畅等",
        "Risks of tampering, destruction, leaks, loss or misuse after export, and whether individuals can exercise their rights"),
     bi("列出主要风险场景、控制措施和残余风险；说明个人向境外接收方行使权利的方式和程序。",
        "List the main risk scenarios, controls and residual risk; explain how individuals exercise their rights against the recipient.")),
    (bi("境外接收方所在国家或者地区的个人信息保护政策和法规对标准合同履行的影响",
        "How the personal information protection policies and laws of the recipient's country affect performance of the standard contract"),
     bi("分析接收方所在国家或地区的个人信息保护法律、政府调取数据的规定及其对合同履行的影响。",
        "Analyse the recipient country's PI law and government-access rules and their effect on the contract.")),
    (bi("其他可能影响个人信息出境安全的事项", "Other matters that may affect the security of the export"), None),
]

SC_ANNEX_TITLE = bi("标准合同附录一：个人信息出境说明", "Standard contract Appendix 1: description of the transfer")

SC_FILING_MATERIALS = [
    bi("统一社会信用代码证件复印件", "Copy of the unified social credit code certificate"),
    bi("法定代表人身份证件复印件", "Copy of the legal representative's ID"),
    bi("经办人身份证件复印件", "Copy of the handling person's ID"),
    bi("经办人授权委托书（按模板）", "Authorisation letter for the handling person (template)"),
    bi("承诺书（按模板）", "Commitment letter (template)"),
    bi("个人信息出境标准合同（按模板）", "The standard contract (template)"),
    bi("个人信息保护影响评估报告（按模板）", "The PIPIA report (template)"),
]
SC_FILING_SOURCE = "《个人信息出境标准合同备案指南（第二版）》 / SC filing guide (2nd ed.) [H]"

# --- Security assessment route -------------------------------------------------------------------
SA_TITLE = bi("数据出境风险自评估报告", "Data export risk self-assessment report")
SA_BASIS = [
    bi("《中华人民共和国数据安全法》、《中华人民共和国个人信息保护法》", "DSL; PIPL"),
    bi("《数据出境安全评估办法》第五条、第六条、第九条", "SA Measures Arts. 5, 6, 9"),
    bi("《促进和规范数据跨境流动规定》第七条", "Provisions Art. 7"),
    bi("《数据出境安全评估申报指南》", "SA declaration guide"),
]
SA_OVERVIEW = [
    (bi("数据处理者基本情况", "The data handler"),
     bi("组织架构、股权结构和实际控制人；境内外投资情况；数据安全管理机构和负责人；整体业务与数据情况；数据安全能力。",
        "Organisation, ownership and actual controller; investments in and outside China; data-security body and officer; business and data overview; security capability.")),
    (bi("数据出境涉及的业务和信息系统情况", "Business and information systems involved"),
     bi("出境涉及的业务、信息系统及其部署地点、数据流转路径（可附数据流图）。",
        "The business, the systems and where they run, and the data flow (attach a diagram).")),
    (bi("拟出境数据情况", "The data to be exported"), None),
    (bi("数据处理者数据出境及境内数据安全保障能力情况", "The handler's security capability for the export"),
     bi("管理制度、技术措施、应急处置、人员管理，以及相关认证、测评情况。",
        "Policies, technical measures, incident response, staff management; certifications and tests.")),
    (bi("境外接收方情况", "The overseas recipient"), None),
    (bi("与境外接收方订立的法律文件约定的数据安全保护责任义务", "Security duties in the legal document with the recipient"), None),
]
# SA Measures Art. 5: what the self-assessment must weigh.
SA_POINTS = [
    bi("数据出境和境外接收方处理数据的目的、范围、方式等的合法性、正当性、必要性",
       "Legality, legitimacy and necessity of the purpose, scope and method of the export and of the recipient's processing"),
    bi("出境数据的规模、范围、种类、敏感程度，数据出境可能对国家安全、公共利益、个人或者组织合法权益带来的风险",
       "Scale, scope, categories and sensitivity of the data, and the risks to national security, the public interest and the rights of individuals and organisations"),
    bi("境外接收方承诺承担的责任义务，以及履行责任义务的管理和技术措施、能力等能否保障出境数据的安全",
       "The recipient's commitments, and whether its measures and capability can keep the data secure"),
    bi("数据出境中和出境后遭到篡改、破坏、泄露、丢失、转移或者被非法获取、非法利用等的风险，个人信息权益维护的渠道是否通畅等",
       "Risks of tampering, destruction, leaks, loss, onward transfer or unlawful access or use during and after the export, and whether individuals can exercise their rights"),
    bi("与境外接收方拟订立的数据出境相关合同或者其他具有法律效力的文件等是否充分约定了数据安全保护责任义务",
       "Whether the contract or other legally binding document with the recipient fully sets out data-security duties"),
    bi("其他可能影响数据出境安全的事项", "Other matters that may affect the security of the export"),
]
# SA Measures Art. 9: what the legal document with the recipient must cover.
SA_LEGAL_DOCUMENT = [
    bi("数据出境的目的、方式和数据范围，境外接收方处理数据的用途、方式等",
       "Purpose, method and scope of the export; the recipient's use and method of processing"),
    bi("数据在境外保存地点、期限，以及达到保存期限、完成约定目的或者法律文件终止后出境数据的处理措施",
       "Where and how long the data is kept abroad, and what happens to it at the end"),
    bi("对境外接收方将出境数据再转移给其他组织、个人的约束性要求", "Restrictions on onward transfer"),
    bi("境外接收方在实际控制权或者经营范围发生实质性变化，或者所在国家、地区数据安全保护政策法规和网络安全环境发生变化以及发生其他不可抗力情形导致难以保障数据安全时，应当采取的安全措施",
       "Measures if the recipient's control or business changes, or its country's law or environment changes, or force majeure"),
    bi("违反法律文件约定的数据安全保护义务的补救措施、违约责任和争议解决方式", "Remedies, liability and dispute resolution"),
    bi("出境数据遭到篡改、破坏、泄露、丢失、转移或者被非法获取、非法利用等风险时，妥善开展应急处置的要求和保障个人维护其个人信息权益的途径和方式",
       "Incident handling, and how individuals can protect their rights"),
]
SA_MATERIALS = [
    bi("统一社会信用代码证件（营业执照）复印件", "Copy of the business licence (unified social credit code)"),
    bi("法定代表人身份证件复印件", "Copy of the legal representative's ID"),
    bi("经办人身份证件复印件", "Copy of the handling person's ID"),
    bi("经办人授权委托书", "Authorisation letter for the handling person"),
    bi("数据出境安全评估申报书", "Declaration form"),
    bi("与境外接收方拟订立的法律文件", "The legal document to be concluded with the recipient"),
    bi("数据出境风险自评估报告（申报前3个月内完成且未发生重大变化）",
       "The self-assessment report (completed within 3 months before declaring, no material change since)"),
    bi("相关证明材料（其他）", "Other supporting materials"),
]
SA_MATERIALS_SOURCE = ("《数据出境安全评估申报指南（第二版）》；《数据出境安全评估办法》第六条 / "
                       "SA declaration guide (2nd ed.); SA Measures Art. 6 [M]")
SA_FILING_NOTE = bi(
    "通过数据出境申报系统（https://sjcj.cac.gov.cn）在线申报；关键信息基础设施运营者或不适宜在线申报的，经所在地省级网信部门线下申报。"
    "省级网信部门5个工作日内完成完备性查验，国家网信部门7个工作日内决定是否受理，自受理之日起45个工作日内完成评估（可延长）。",
    "Declare online through the data-export declaration system (https://sjcj.cac.gov.cn); CIIOs and cases unsuited to "
    "online filing go through the provincial cyberspace authority offline. The provincial check takes 5 working days, "
    "acceptance 7, the assessment 45 from acceptance (extendable).")

# --- Certification route -------------------------------------------------------------------------
CERT_TITLE = bi("个人信息出境认证申请清单", "PI export certification: application checklist")
CERT_CHECKLIST = [
    (bi("确认适用范围：非关键信息基础设施运营者；自当年1月1日起累计出境10万人以上、不满100万人个人信息（不含敏感个人信息）或不满1万人敏感个人信息；不含重要数据；不得数量拆分",
        "Check scope: not a CIIO; since 1 January 100,000 to fewer than 1,000,000 people's PI (not sensitive) or fewer than 10,000 people's sensitive PI; no important data; no splitting"),
     "《个人信息出境认证办法》第五条 / Cert. Measures Art. 5 [H]"),
    (bi("履行告知、取得单独同意等义务", "Give notice and obtain separate consent"),
     "《个人信息出境认证办法》第六条；《个人信息保护法》第三十九条 / Cert. Measures Art. 6; PIPL Art. 39 [H]"),
    (bi("完成个人信息保护影响评估，重点评估对国家安全、公共利益和个人信息权益的风险及境外法律环境的影响",
        "Complete a PIPIA weighing risks to national security, the public interest and individuals' rights, and the recipient country's law"),
     "《个人信息出境认证办法》第六条 / Cert. Measures Art. 6 [H]"),
    (bi("选择具有个人信息保护认证资质并已向国家网信部门备案的专业认证机构",
        "Choose a certification body with PI-protection certification qualification, filed with the CAC"),
     "《个人信息出境认证办法》第三条、第十二条 / Cert. Measures Arts. 3, 12 [H]"),
    (bi("按认证机构的认证实施规则准备申请书及申请材料（清单以认证机构要求为准）",
        "Prepare the application and materials under the body's implementation rules (the body's list prevails)"),
     "《个人信息出境认证办法》第七条 / Cert. Measures Art. 7 [H]; 申请材料明细 / material list [L]"),
    (bi("与境外接收方之间具有法律约束力的协议或集团内部规则（约定个人信息保护责任义务）",
        "A legally binding agreement with the recipient, or intra-group rules, setting PI protection duties"),
     "GB/T 46068-2025；TC260-PG-20222A [M]"),
    (bi("对照 GB/T 46068-2025《数据安全技术 个人信息跨境处理活动安全认证要求》自查",
        "Self-check against GB/T 46068-2025 (security certification requirements for cross-border PI processing)"),
     "GB/T 46068-2025 [M]"),
    (bi("境外个人信息处理者：通过其在境内设立的专门机构或指定代表申请",
        "Offshore handlers: apply through their agency or designated representative in China"),
     "《个人信息出境认证办法》第七条 / Cert. Measures Art. 7 [H]"),
    (bi("证书有效期3年；需继续使用的，于有效期届满前6个月重新申请；超出认证范围出境将被暂停或撤销",
        "Certificate valid 3 years; apply again 6 months before it expires; exports beyond the certified scope lead to suspension or revocation"),
     "《个人信息出境认证办法》第八条、第十条 / Cert. Measures Arts. 8, 10 [H]"),
]

INVENTORY_TITLE = bi("附件：数据资产清单", "Annex: data inventory")
