"""Request bodies shared by the API tests."""

from __future__ import annotations

from typing import Any

APPLICANT = {
    "type": "natural_person",
    "name": "张晓明",
    "id_document_type": "resident_id",
    "id_document": "110101199001011234",
    "phone": "13812345678",
    "email": "zhangxm@example.cn",
    "address": "青溪县吴村镇东山村12号",
}
SECRETS = ("张晓明", "110101199001011234", "13812345678", "zhangxm@example.cn", "东山村12号")


def application(day: str = "2025-09-22", **extra: Any) -> dict[str, Any]:
    return {
        "applicant": APPLICANT,
        "channel": "当面",
        "handed_in": day,
        "information": "东山村2025年土地征收补偿安置方案",
        "form_wanted": "paper",
        "delivery": "post",
        **extra,
    }


def base(agency_id: int) -> str:
    return f"/api/agencies/{agency_id}"
