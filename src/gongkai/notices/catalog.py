"""The statutory notices an office sends, as data: one :class:`TemplateSpec` per template file.

Each spec gives the title, the number series (补正, 答复 …), who it is addressed to, and the paragraphs with
their ``{{占位符}}``. :mod:`gongkai.notices.build_templates` turns the specs into the DOCX files shipped in
``gongkai/data/notices``; an office edits copies of those files, never this module.

The legal wording quotes 《中华人民共和国政府信息公开条例》(国务院令第711号, 2019) article by article. Two rows of
table 三 have no article of their own, and the citation chosen is marked in a comment ``[?]`` (statute.md's tag
for “not settled by a text”): the office can change it in its own template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from gongkai.store.vocab import OUTCOME_KEYS

REGULATION = "《中华人民共和国政府信息公开条例》"
FEE_RULES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"


class NoticeKind(StrEnum):
    RECEIPT = "receipt"
    CORRECTION = "correction"
    EXTENSION = "extension"
    THIRD_PARTY = "third_party"
    FEE = "fee"
    REPLY = "reply"

    @property
    def label(self) -> str:
        return NOTICE_KIND_LABELS[self]


NOTICE_KIND_LABELS = {
    NoticeKind.RECEIPT: "受理回执",
    NoticeKind.CORRECTION: "补正告知书",
    NoticeKind.EXTENSION: "延期答复告知书",
    NoticeKind.THIRD_PARTY: "第三方意见征询函",
    NoticeKind.FEE: "收费通知书",
    NoticeKind.REPLY: "答复书",
}
# The word of each number series: 吴村〔2025〕补正第3号. Every reply, whatever its outcome, is one series.
SERIES = {
    NoticeKind.RECEIPT: "受理",
    NoticeKind.CORRECTION: "补正",
    NoticeKind.EXTENSION: "延期",
    NoticeKind.THIRD_PARTY: "征询",
    NoticeKind.FEE: "收费",
    NoticeKind.REPLY: "答复",
}


@dataclass(frozen=True)
class TemplateSpec:
    key: str  # file stem: reply-withheld.state_secret → reply-withheld.state_secret.docx
    kind: NoticeKind
    title: str
    paragraphs: tuple[str, ...]  # the body, after the salutation; each may hold placeholders
    outcome: str | None = None
    to_third_party: bool = False  # addressed to {{第三方}}, never naming the applicant
    remedies: bool = False  # ends with {{救济途径}}
    defaults: dict[str, str] = field(default_factory=dict)  # placeholder values unless the office gives its own

    @property
    def filename(self) -> str:
        return f"{self.key}.docx"

    @property
    def series(self) -> str:
        return SERIES[self.kind]


# ---------------------------------------------------------------- the wording

OPENING = "本机关于{{收到日期}}收到您（单位）提出的政府信息公开申请（申请编号：{{申请编号}}），申请获取“{{所需信息}}”。"
REPLY_OPENING = OPENING + "经审查，现答复如下："
WITHHOLD = "第三十六条第（三）项“行政机关依据本条例的规定决定不予公开的，告知申请人不予公开并说明理由”"
ART_14 = (
    "第十四条“依法确定为国家秘密的政府信息，法律、行政法规禁止公开的政府信息，以及公开后可能危及国家安全、"
    "公共安全、经济安全、社会稳定的政府信息，不予公开”"
)
ART_15 = (
    "第十五条“涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息，行政机关不得公开。但是，第三方同意公开"
    "或者行政机关认为不公开会对公共利益造成重大影响的，予以公开”"
)
ART_16_1 = "第十六条第一款“行政机关的内部事务信息，包括人事管理、后勤管理、内部工作流程等方面的信息，可以不予公开”"
ART_16_2 = (
    "第十六条第二款“行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息以及行政执法"
    "案卷信息，可以不予公开。法律、法规、规章规定上述信息应当公开的，从其规定”"
)
ART_38 = (
    "第三十八条“行政机关向申请人提供的信息，应当是已制作或者获取的政府信息。除依照本条例第三十七条的规定能够作区分处理的外，"
    "需要行政机关对现有政府信息进行加工、分析的，行政机关可以不予提供”"
)


def _withheld(phrase: str, article: str) -> tuple[str, ...]:
    return (
        f"经审查，您申请获取的政府信息{phrase}。根据{REGULATION}{article}及{WITHHOLD}的规定，本机关决定不予公开。",
        "{{不予公开理由}}",
    )


REPLY_BODIES: dict[str, tuple[str, ...]] = {
    "granted": (
        f"经审查，您申请获取的政府信息属于公开范围。根据{REGULATION}第三十六条第（二）项“所申请公开信息可以公开的，"
        "向申请人提供该政府信息，或者告知申请人获取该政府信息的方式、途径和时间”的规定，本机关予以公开。",
        "{{答复内容}}",
    ),
    "partially_granted": (
        f"经审查，您申请获取的信息中含有不应当公开的内容，但是能够作区分处理。根据{REGULATION}第三十七条“申请公开的信息中"
        "含有不应当公开或者不属于政府信息的内容，但是能够作区分处理的，行政机关应当向申请人提供可以公开的政府信息内容，"
        "并对不予公开的内容说明理由”的规定，本机关向您提供可以公开的部分。",
        "{{答复内容}}",
        "对不予公开的部分，理由如下：{{不予公开理由}}",
    ),
    "withheld.state_secret": _withheld("属于依法确定为国家秘密的政府信息", ART_14),
    "withheld.prohibited_by_law": _withheld("属于法律、行政法规禁止公开的政府信息", ART_14),
    "withheld.security_stability": _withheld("公开后可能危及国家安全、公共安全、经济安全、社会稳定", ART_14),
    "withheld.third_party": _withheld("涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害", ART_15),
    "withheld.internal_affairs": _withheld("属于行政机关的内部事务信息", ART_16_1),
    "withheld.deliberative": _withheld("属于行政机关在履行行政管理职能过程中形成的过程性信息", ART_16_2),
    "withheld.enforcement_file": _withheld("属于行政执法案卷信息", ART_16_2),
    # 行政查询事项: the 2021 template's row for 第三十六条第（七）项 (registers whose access a law or regulation governs).
    "withheld.query_service": (
        f"经审查，您申请获取的信息属于行政查询事项。根据{REGULATION}第三十六条第（七）项“所申请公开信息属于工商、不动产登记资料"
        "等信息，有关法律、行政法规对信息的获取有特别规定的，告知申请人依照有关法律、行政法规的规定办理”的规定，请您依照有关"
        "法律、行政法规的规定办理。",
        "{{查询途径}}",
    ),
    "unavailable.not_held": (
        f"经检索，本机关没有您申请获取的政府信息。根据{REGULATION}第三十六条第（四）项“经检索没有所申请公开信息的，告知申请人"
        "该政府信息不存在”的规定，现告知您该政府信息不存在。",
    ),
    "unavailable.needs_creation": (
        f"经审查，本机关没有您申请获取的现成信息，需要对现有政府信息进行加工、分析方能形成。根据{REGULATION}{ART_38}的规定，"
        "本机关不予提供。",
    ),
    "unavailable.unclear": (
        "本机关已于{{补正告知日期}}告知您对申请作出补正，您于{{补正到达日期}}提交了补正后的申请，但申请内容仍不明确，"
        f"本机关无法据此确定您所需的政府信息。根据{REGULATION}第二十九条第二款第（二）项（申请内容应当包括“申请公开的政府信息的"
        "名称、文号或者便于行政机关查询的其他特征性描述”）和第三十条的规定，本机关无法向您提供。",
    ),
    "not_processed.petition": (
        f"经审查，您以政府信息公开申请的形式提出的事项属于信访、投诉、举报等活动。根据{REGULATION}第三十九条第一款“申请人以政府"
        "信息公开申请的形式进行信访、投诉、举报等活动，行政机关应当告知申请人不作为政府信息公开申请处理并可以告知通过相应渠道提出”"
        "的规定，本机关不作为政府信息公开申请处理。",
    ),
    "not_processed.duplicate": (
        "经查，本机关已就您提出的相同政府信息公开申请作出答复（{{前次答复}}）。"
        f"根据{REGULATION}第三十六条第（六）项“行政机关已就申请人提出的政府信息公开申请作出答复、申请人重复申请公开相同政府信息的，"
        "告知申请人不予重复处理”的规定，本机关不予重复处理。",
    ),
    "not_processed.publication": (
        f"经审查，您申请获取的是政府公报、报刊、书籍等公开出版物。根据{REGULATION}第三十九条第二款“申请人提出的申请内容为要求"
        "行政机关提供政府公报、报刊、书籍等公开出版物的，行政机关可以告知获取的途径”的规定，现告知您获取途径如下：{{获取途径}}",
    ),
    "not_processed.excessive": (
        "您申请公开政府信息的数量、频次明显超过合理范围，本机关已要求您说明理由，经审查认为申请理由不合理。"
        f"根据{REGULATION}第三十五条“申请人申请公开政府信息的数量、频次明显超过合理范围，行政机关可以要求申请人说明理由。"
        "行政机关认为申请理由不合理的，告知申请人不予处理”的规定，本机关不予处理。",
    ),
    # [?] No article names this row (2021 template （五）5); 第三十八条 is the citation agencies commonly use.
    "not_processed.confirmation": (
        "经审查，您的申请内容为要求本机关确认或者重新出具您已经获取的信息，不属于申请获取本机关已制作或者获取的政府信息。"
        f"根据{REGULATION}第三十八条“行政机关向申请人提供的信息，应当是已制作或者获取的政府信息”的规定，本机关不予处理。",
    ),
    "other.no_correction": (
        "本机关已于{{补正告知日期}}告知您对申请作出补正，说明了需要补正的事项和合理的补正期限，您无正当理由逾期未补正。"
        f"根据{REGULATION}第三十条“申请人无正当理由逾期不补正的，视为放弃申请，行政机关不再处理该政府信息公开申请”的规定，"
        "视为您放弃申请，本机关不再处理该政府信息公开申请。",
    ),
    # [?] statute.md records the rule of 109号 without its article number: the wording cites the document.
    "other.fee_unpaid": (
        "本机关已于{{收费通知日期}}向您发出收费通知，您逾期未按收费通知要求缴纳信息处理费。"
        f"根据{REGULATION}第四十二条和{FEE_RULES}的规定，申请人逾期未缴纳信息处理费的，视为放弃申请，"
        "本机关不再处理该政府信息公开申请。",
    ),
    "other.other": ("{{答复内容}}",),
}
REPLY_DEFAULTS: dict[str, dict[str, str]] = {
    "granted": {"答复内容": "现将该政府信息随本答复书一并提供（{{获取形式}}）。"},
    "partially_granted": {"答复内容": "现将可以公开的部分随本答复书一并提供（{{获取形式}}）。"},
    "not_processed.petition": {"补充说明": "您可以通过信访、投诉、举报等相应渠道提出。"},
}

RECEIPT_BODY = (
    "本机关于{{收到日期}}收到您（单位）以{{提交方式}}方式提交的政府信息公开申请，申请获取“{{所需信息}}”，"
    "申请编号为{{申请编号}}。",
    f"根据{REGULATION}第三十三条第二款的规定，本机关将自收到申请之日起20个工作日内予以答复，答复期限届满日为{{{{答复期限}}}}；"
    "需要延长答复期限的，经政府信息公开工作机构负责人同意，本机关将告知您，延长的期限最长不超过20个工作日。"
    "依照第三十三条第三款，征求第三方和其他机关意见所需时间不计算在上述期限内。",
    "特此回执。",
)
CORRECTION_BODY = (
    OPENING + "经审查，您的申请内容不明确，本机关无法据此确定您所需的政府信息。",
    f"根据{REGULATION}第三十条“政府信息公开申请内容不明确的，行政机关应当给予指导和释明，并自收到申请之日起7个工作日内"
    "一次性告知申请人作出补正，说明需要补正的事项和合理的补正期限”的规定，请您对申请作出补正。需要补正的事项如下：",
    "{{补正事项}}",
    "补正期限：{{补正期限}}。申请内容应当包括申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述"
    "（第二十九条第二款第（二）项）。答复期限自本机关收到补正的申请之日起计算。申请人无正当理由逾期不补正的，"
    "视为放弃申请，本机关不再处理该政府信息公开申请。",
)
EXTENSION_BODY = (
    OPENING + "因{{延期理由}}，本机关不能在{{原答复期限}}前作出答复。",
    f"根据{REGULATION}第三十三条第二款“需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限"
    "最长不得超过20个工作日”的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长{{延长天数}}个工作日，"
    "延长后的答复期限届满日为{{延期后答复期限}}。",
)
THIRD_PARTY_BODY = (
    "本机关于{{收到日期}}收到一件政府信息公开申请（申请编号：{{申请编号}}），申请获取“{{所需信息}}”。经审查，该信息的公开"
    "可能损害你方的合法权益。",
    f"根据{REGULATION}第三十二条“依申请公开的政府信息公开会损害第三方合法权益的，行政机关应当书面征求第三方的意见。第三方应当"
    "自收到征求意见书之日起15个工作日内提出意见。第三方逾期未提出意见的，由行政机关依照本条例的规定决定是否公开。第三方不同意"
    "公开且有合理理由的，行政机关不予公开。行政机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府"
    "信息内容和理由书面告知第三方”的规定，现书面征求你方意见。",
    "请你方自收到本函之日起15个工作日内，以书面形式提出是否同意公开的意见；不同意公开的，请说明理由。",
)
FEE_BODY = (
    OPENING,
    f"根据{REGULATION}第四十二条“行政机关依申请提供政府信息，不收取费用。但是，申请人申请公开政府信息的数量、频次明显超过"
    f"合理范围的，行政机关可以收取信息处理费”和{FEE_RULES}的规定，您的申请需缴纳信息处理费。计收方式：{{{{计收方式}}}}。"
    "计费明细如下：",
    "{{计费明细}}",
    "应缴金额：人民币{{收费金额}}元。",
    "请您自收到本通知的次日起20个工作日内缴纳。缴费方式：{{缴费方式}}。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息"
    "公开申请。",
)


def _reply_spec(outcome: str) -> TemplateSpec:
    from gongkai.store.vocab import OUTCOME_LABELS

    label = OUTCOME_LABELS[outcome]
    return TemplateSpec(
        key=f"reply-{outcome}",
        kind=NoticeKind.REPLY,
        title="政府信息公开申请答复书",
        paragraphs=(REPLY_OPENING, *REPLY_BODIES[outcome], "{{补充说明}}"),
        outcome=outcome,
        remedies=True,
        defaults={"答复类别": label, **REPLY_DEFAULTS.get(outcome, {})},
    )


def _specs() -> dict[str, TemplateSpec]:
    procedural = (
        TemplateSpec("receipt", NoticeKind.RECEIPT, "政府信息公开申请受理回执", RECEIPT_BODY),
        TemplateSpec("correction", NoticeKind.CORRECTION, "政府信息公开申请补正告知书", (*CORRECTION_BODY, "{{补充说明}}")),
        TemplateSpec("extension", NoticeKind.EXTENSION, "政府信息公开申请延期答复告知书", (*EXTENSION_BODY, "{{补充说明}}")),
        TemplateSpec("third_party", NoticeKind.THIRD_PARTY, "政府信息公开第三方意见征询函",
                     (*THIRD_PARTY_BODY, "{{补充说明}}"), to_third_party=True),
        TemplateSpec("fee", NoticeKind.FEE, "政府信息公开信息处理费收费通知书", (*FEE_BODY, "{{补充说明}}")),
    )
    replies = tuple(_reply_spec(o) for o in OUTCOME_KEYS)
    return {s.key: s for s in (*procedural, *replies)}


SPECS: dict[str, TemplateSpec] = _specs()


def spec_for(kind: NoticeKind, outcome: str | None = None) -> TemplateSpec:
    """The template of a notice kind (a reply: of its table-三 outcome)."""
    if kind is NoticeKind.REPLY:
        if outcome is None:
            raise KeyError("reply needs an outcome")
        return SPECS[f"reply-{outcome}"]
    return SPECS[kind.value]


# Placeholders every template may use, and what each holds (the list shown to an office editing a template).
PLACEHOLDERS: dict[str, str] = {
    "机关名称": "本机关名称",
    "文书编号": "本文书的编号，如 吴村〔2025〕补正第3号",
    "落款日期": "文书日期，如 2025年9月22日",
    "申请人": "申请人姓名或者名称（真实信息，仅用于送达申请人的文书）",
    "申请编号": "申请的编号，如 吴村〔2025〕依申请第12号",
    "收到日期": "收到申请之日（第三十一条）",
    "提交方式": "当面、邮寄、平信、网络、传真、电子邮件",
    "所需信息": "申请公开的政府信息的描述",
    "获取形式": "申请人要求的提供形式和获取方式",
    "答复期限": "答复期限届满日（或其状态）",
    "原答复期限": "延长前的答复期限届满日",
    "延长天数": "延长的工作日数",
    "延期后答复期限": "延长后的答复期限届满日",
    "延期理由": "延长答复期限的理由",
    "补正事项": "需要补正的事项",
    "补正期限": "合理的补正期限",
    "补正告知日期": "补正告知之日",
    "补正到达日期": "收到补正申请之日",
    "第三方": "被征求意见的第三方名称",
    "计收方式": "按件或者按量",
    "计费明细": "各档计费",
    "收费金额": "应缴金额（元）",
    "缴费方式": "缴费途径和账户",
    "收费通知日期": "收费通知发出之日",
    "答复类别": "表三办理结果",
    "答复内容": "提供信息的方式、途径或者处理情况",
    "不予公开理由": "不予公开（部分）的具体理由",
    "查询途径": "依照有关法律、行政法规办理的途径",
    "获取途径": "公开出版物的获取途径",
    "前次答复": "已作出的答复（日期、文号）",
    "复议机关": "行政复议机关",
    "救济途径": "申请行政复议或者提起行政诉讼的告知（按办理结果和本机关设置生成）",
    "联系方式": "本机关联系人和联系电话",
    "补充说明": "其他需要说明的事项（可空）",
}
# A paragraph made only of these placeholders disappears when they are empty.
OPTIONAL = frozenset({"补充说明", "联系方式", "不予公开理由", "查询途径", "救济途径"})
