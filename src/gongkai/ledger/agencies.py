"""Agencies: one installation hosts many (a county platform: its departments and towns), each seeing only its
own records."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.ledger import mapping
from gongkai.ledger.common import agency_row
from gongkai.ledger.domain import Agency
from gongkai.ledger.schemas import AgencyIn
from gongkai.store.errors import InvalidRecord
from gongkai.store.orm import AgencyRow

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """One spelling per agency: full-width forms folded (NFKC), spaces removed, brackets unified."""
    text = unicodedata.normalize("NFKC", name)
    text = _SPACES.sub("", text)
    return text.replace("(", "（").replace(")", "）")


def create_agency(*, session: Session, data: AgencyIn) -> Agency:
    normalized = normalise_name(data.name)
    exists = session.scalars(select(AgencyRow.id).where(AgencyRow.normalized_name == normalized)).first()
    if exists is not None:
        raise InvalidRecord(f"已有同名机关“{data.name}”")
    if data.parent_id is not None:
        agency_row(session, data.parent_id)
    row = AgencyRow(
        name=data.name,
        normalized_name=normalized,
        abbreviation=data.abbreviation,
        kind=data.kind,
        region=data.region,
        parent_id=data.parent_id,
        email_rule=data.email_rule,
        exclude_fee_wait=data.exclude_fee_wait,
    )
    session.add(row)
    session.flush()
    return mapping.agency(row)


def get_agency(*, session: Session, agency_id: int) -> Agency:
    return mapping.agency(agency_row(session, agency_id))


def find_agency(*, session: Session, name: str) -> Agency | None:
    row = session.scalars(select(AgencyRow).where(AgencyRow.normalized_name == normalise_name(name))).one_or_none()
    return None if row is None else mapping.agency(row)


def list_agencies(*, session: Session) -> list[Agency]:
    """Every agency of the installation (the administrator's view; clerks see their own agency only)."""
    return [mapping.agency(r) for r in session.scalars(select(AgencyRow).order_by(AgencyRow.id))]
