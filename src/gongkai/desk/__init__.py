"""The statutory clock of 依申请公开 as a pure domain library: working days, reply deadlines, 信息处理费.

No database, no web: every function takes its inputs and a :class:`WorkCalendar` and returns frozen data.
"""

from __future__ import annotations

from gongkai.desk.calendar import CalendarFileError, CalendarUnknown, WorkCalendar
from gongkai.desk.deadline import calc_deadline, compute_reply_deadline, received_date
from gongkai.desk.fees import (
    FeeAssessment,
    FeeMethod,
    FeePolicy,
    assess_fee,
    fee_per_application,
    fee_per_volume,
)
from gongkai.desk.model import (
    Channel,
    CorrectionReceived,
    CorrectionRequested,
    DeadlineInputError,
    DeadlineRules,
    EmailRule,
    Event,
    Extension,
    FeeNotice,
    Pause,
    PauseKind,
    Receipt,
    ReplyDeadline,
    Segment,
    SegmentKind,
    SideDeadline,
    Status,
)

__all__ = [
    "CalendarFileError",
    "CalendarUnknown",
    "Channel",
    "CorrectionReceived",
    "CorrectionRequested",
    "DeadlineInputError",
    "DeadlineRules",
    "EmailRule",
    "Event",
    "Extension",
    "FeeAssessment",
    "FeeMethod",
    "FeeNotice",
    "FeePolicy",
    "Pause",
    "PauseKind",
    "Receipt",
    "ReplyDeadline",
    "Segment",
    "SegmentKind",
    "SideDeadline",
    "Status",
    "WorkCalendar",
    "assess_fee",
    "calc_deadline",
    "compute_reply_deadline",
    "fee_per_application",
    "fee_per_volume",
    "received_date",
]
