"""The vocabulary of the ledger's records: every closed list a column can hold, with its Chinese label.

Stored values are stable ASCII codes (for table 三/四/二 they are the row or column keys of the statutory
templates, so a count in SQL lands on its cell id directly); the labels are what a clerk reads. Kept in the store
package because both the ORM rows and the ledger's domain objects use it and the store must not import the ledger.
"""

from __future__ import annotations

from enum import StrEnum

from gongkai.model.templates import APPEAL_COLUMNS, APPLICANT_COLUMNS, T3_2021, T4


class AgencyKind(StrEnum):
    TOWNSHIP = "township"
    COUNTY_DEPARTMENT = "county_department"
    COUNTY_GOVERNMENT = "county_government"
    CITY_DEPARTMENT = "city_department"
    CITY_GOVERNMENT = "city_government"
    OTHER = "other"

    @property
    def label(self) -> str:
        return AGENCY_KIND_LABELS[self]


AGENCY_KIND_LABELS = {
    AgencyKind.TOWNSHIP: "乡镇",
    AgencyKind.COUNTY_DEPARTMENT: "县级部门",
    AgencyKind.COUNTY_GOVERNMENT: "县级政府",
    AgencyKind.CITY_DEPARTMENT: "市级部门",
    AgencyKind.CITY_GOVERNMENT: "市级政府",
    AgencyKind.OTHER: "其他",
}


class ApplicantType(StrEnum):
    """The six applicant columns of table 三 (2021 template); the value is the column key of the cell ids."""

    NATURAL_PERSON = "natural_person"
    BUSINESS = "business"
    RESEARCH = "research"
    NONPROFIT = "nonprofit"
    LEGAL_SERVICE = "legal_service"
    OTHER_ORG = "other_org"

    @property
    def label(self) -> str:
        return APPLICANT_LABELS[self]


APPLICANT_LABELS: dict[ApplicantType, str] = {
    ApplicantType(col.key): col.label for col in APPLICANT_COLUMNS if col.key != "total"
}


class IdDocumentType(StrEnum):
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    CREDIT_CODE = "credit_code"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ID_DOCUMENT_LABELS[self]


ID_DOCUMENT_LABELS = {
    IdDocumentType.RESIDENT_ID: "身份证",
    IdDocumentType.PASSPORT: "护照",
    IdDocumentType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    IdDocumentType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdDocumentType.CREDIT_CODE: "统一社会信用代码",
    IdDocumentType.OTHER: "其他身份证明",
}


class FormWanted(StrEnum):
    """第二十九条第二款第三项: the form the applicant asks for."""

    PAPER = "paper"
    ELECTRONIC = "electronic"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"paper": "纸质", "electronic": "电子数据", "other": "其他"}[self.value]


class Delivery(StrEnum):
    """第二十九条第二款第三项: how the applicant wants to obtain it."""

    POST = "post"
    EMAIL = "email"
    PICKUP = "pickup"
    ONLINE = "online"
    FAX = "fax"

    @property
    def label(self) -> str:
        return {"post": "邮寄", "email": "电子邮件", "pickup": "当面领取", "online": "网上获取", "fax": "传真"}[
            self.value
        ]


class EventKind(StrEnum):
    """The events of an application's log, the input of the statutory clock."""

    CORRECTION_REQUESTED = "correction_requested"
    CORRECTION_RECEIVED = "correction_received"
    THIRD_PARTY_STARTED = "third_party_started"
    THIRD_PARTY_ENDED = "third_party_ended"
    OTHER_AGENCY_STARTED = "other_agency_started"
    OTHER_AGENCY_ENDED = "other_agency_ended"
    EXTENSION = "extension"
    FEE_NOTICE = "fee_notice"
    FEE_PAID = "fee_paid"
    REPLY = "reply"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    EventKind.CORRECTION_REQUESTED: "补正告知",
    EventKind.CORRECTION_RECEIVED: "补正到达",
    EventKind.THIRD_PARTY_STARTED: "征求第三方意见（开始）",
    EventKind.THIRD_PARTY_ENDED: "征求第三方意见（结束）",
    EventKind.OTHER_AGENCY_STARTED: "征求其他机关意见（开始）",
    EventKind.OTHER_AGENCY_ENDED: "征求其他机关意见（结束）",
    EventKind.EXTENSION: "延期",
    EventKind.FEE_NOTICE: "收费通知",
    EventKind.FEE_PAID: "缴费",
    EventKind.REPLY: "答复",
}


class DeadlineState(StrEnum):
    """What the stored due date of an application means (desk.model.Status, plus closed)."""

    DUE = "due"
    PROVISIONAL = "provisional"
    SUSPENDED = "suspended"
    AWAITING_CORRECTION = "awaiting_correction"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "due": "已确定",
            "provisional": "暂定（日历未知）",
            "suspended": "暂停计算",
            "awaiting_correction": "等待补正",
            "closed": "已办结",
        }[self.value]


# Table 三 result rows (2021 template): exactly one of them is the outcome of a closed application.
_NOT_RESULTS = {"new", "carried_over", "total", "carried_forward"}
OUTCOME_KEYS: tuple[str, ...] = tuple(row.key for row in T3_2021.rows if row.key not in _NOT_RESULTS)
OUTCOME_LABELS: dict[str, str] = {
    row.key: (f"{row.group}{row.number}{row.label}" if row.group.startswith("（") else f"{row.number}{row.label}")
    for row in T3_2021.rows
    if row.key in OUTCOME_KEYS
}
NO_CORRECTION = "other.no_correction"
FEE_UNPAID = "other.fee_unpaid"


class AppealKind(StrEnum):
    """Table 四 rows."""

    RECONSIDERATION = "reconsideration"
    LITIGATION_DIRECT = "litigation_direct"
    LITIGATION_AFTER_RECONSIDERATION = "litigation_after_reconsideration"

    @property
    def label(self) -> str:
        row = T4.row(self.value)
        return f"{row.group}（{row.label}）" if row.group else row.label


class AppealOutcome(StrEnum):
    """Table 四 columns (without 总计)."""

    UPHELD = "upheld"
    CORRECTED = "corrected"
    OTHER = "other"
    PENDING = "pending"

    @property
    def label(self) -> str:
        return next(col.label for col in APPEAL_COLUMNS if col.key == self.value)


class ReviewStepKind(StrEnum):
    """The review chain of a proactive item: 承办人 → 保密审查 → 领导签发 (先审查、后公开，一事一审)."""

    DRAFTER = "drafter"
    CONFIDENTIALITY = "confidentiality"
    LEADER = "leader"

    @property
    def label(self) -> str:
        return {"drafter": "承办人拟稿", "confidentiality": "保密审查", "leader": "领导签发"}[self.value]


REVIEW_CHAIN = (ReviewStepKind.DRAFTER, ReviewStepKind.CONFIDENTIALITY, ReviewStepKind.LEADER)


class ReviewDecision(StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {"approved": "同意公开", "returned": "退回修改", "refused": "不予公开"}[self.value]


class PublicationChannel(StrEnum):
    """Channels of 第二十三条—第二十五条 as agencies name them."""

    PORTAL = "portal"
    GAZETTE = "gazette"
    WECHAT = "wechat"
    PRESS_CONFERENCE = "press_conference"
    MEDIA = "media"
    BULLETIN_BOARD = "bulletin_board"
    SCREEN = "screen"
    READING_ROOM = "reading_room"
    OTHER = "other"

    @property
    def label(self) -> str:
        return PUBLICATION_CHANNEL_LABELS[self]


PUBLICATION_CHANNEL_LABELS = {
    PublicationChannel.PORTAL: "门户网站",
    PublicationChannel.GAZETTE: "政府公报",
    PublicationChannel.WECHAT: "微信公众号",
    PublicationChannel.PRESS_CONFERENCE: "新闻发布会",
    PublicationChannel.MEDIA: "报刊、广播、电视",
    PublicationChannel.BULLETIN_BOARD: "公开栏",
    PublicationChannel.SCREEN: "电子信息屏",
    PublicationChannel.READING_ROOM: "政府信息公开查阅场所",
    PublicationChannel.OTHER: "其他",
}

# 条例 第二十条 (2019 revision), the 15 kinds of information published proactively; the category of an item is
# the item number. Wording as in the 2019 text (国务院令第711号).
ARTICLE_20_ITEMS: dict[int, str] = {
    1: "行政法规、规章和规范性文件",
    2: "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    3: "国民经济和社会发展规划、专项规划、区域规划及相关政策",
    4: "国民经济和社会发展统计信息",
    5: "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
    6: "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
    7: "财政预算、决算信息",
    8: "行政事业性收费项目及其依据、标准",
    9: "政府集中采购项目的目录、标准及实施情况",
    10: "重大建设项目的批准和实施情况",
    11: "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    12: "突发公共事件的应急预案、预警信息及应对情况",
    13: "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    14: "公务员招考的职位、名额、报考条件等事项以及录用结果",
    15: "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
}
CN_NUMERALS = "一二三四五六七八九十"


def article_20_label(item: int) -> str:
    """``第二十条第（十一）项 扶贫、教育…``."""
    if item not in ARTICLE_20_ITEMS:
        raise ValueError(item)
    numeral = CN_NUMERALS[item - 1] if item <= 10 else "十" + CN_NUMERALS[item - 11]
    return f"第二十条第（{numeral}）项 {ARTICLE_20_ITEMS[item]}"


class RegisterDocumentKind(StrEnum):
    """Table 二 item （一） rows."""

    REGULATION = "regulations"
    NORMATIVE_DOCUMENT = "normative_documents"

    @property
    def label(self) -> str:
        return {"regulations": "规章", "normative_documents": "行政规范性文件"}[self.value]


class TallyItem(StrEnum):
    """Table 二 rows counted per year: decisions of 行政许可/处罚/强制, and the 行政事业性收费 amount (万元)."""

    LICENSING = "licensing"
    PUNISHMENT = "punishment"
    COERCION = "coercion"
    FEES = "fees"

    @property
    def label(self) -> str:
        return {"licensing": "行政许可", "punishment": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费"}[
            self.value
        ]


class ReportOrigin(StrEnum):
    GENERATED = "generated"
    IMPORTED = "imported"

    @property
    def label(self) -> str:
        return {"generated": "由台账生成", "imported": "导入"}[self.value]
