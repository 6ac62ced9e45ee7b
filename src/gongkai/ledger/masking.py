"""How applicants' personal information is shown: masked, never in full, outside the clerk's own case file.

Natural persons' names keep the surname (张*, 张*明); identity numbers keep the first 3 and last 4 characters
(身份证 110***********1234); mobile numbers keep the first 3 and last 4 digits (138****5678); e-mail keeps the first
character and the domain; addresses keep their first 6 characters (province, city or county). An organisation's
name and its 统一社会信用代码 are public registration data, not personal information, and are shown in full.
"""

from __future__ import annotations

from gongkai.store.vocab import ApplicantType, IdDocumentType

STAR = "*"
ADDRESS_KEEP = 6


def mask_name(name: str, applicant_type: ApplicantType) -> str:
    if applicant_type is not ApplicantType.NATURAL_PERSON:
        return name
    name = name.strip()
    if len(name) <= 1:
        return STAR
    if len(name) == 2:
        return name[0] + STAR
    return name[0] + STAR * (len(name) - 2) + name[-1]


def _keep_ends(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        keep = min(2, max(len(text) - 1, 0))
        return STAR * (len(text) - keep) + text[len(text) - keep :]
    return text[:head] + STAR * (len(text) - head - tail) + text[-tail:]


def mask_id_document(number: str, kind: IdDocumentType | None) -> str:
    number = number.strip()
    if kind is IdDocumentType.CREDIT_CODE:
        return number
    if kind is IdDocumentType.PASSPORT:
        return _keep_ends(number, 1, 3)
    return _keep_ends(number, 3, 4)


def mask_phone(phone: str) -> str:
    phone = phone.strip()
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    if len(digits) < 7:
        return STAR * len(phone)
    # Mask every digit but the first 3 and the last 4 (a landline keeps its area code's first digits).
    hidden = set(digits[3:-4])
    return "".join(STAR if i in hidden else ch for i, ch in enumerate(phone))


def mask_email(email: str) -> str:
    local, at, domain = email.strip().partition("@")
    if not at:
        return _keep_ends(local, 1, 0) if local else ""
    return (local[:1] + STAR * 3) + "@" + domain


def mask_address(address: str) -> str:
    address = address.strip()
    if len(address) <= ADDRESS_KEEP:
        return STAR * len(address)
    return address[:ADDRESS_KEEP] + STAR * 6
