"""The register of supervised agencies and the region hierarchy 省 › 市 › 县 › 乡镇 they belong to.

An agency is identified by its normalised name (:func:`gongkai.ledger.agencies.normalise_name`), so
``青溪县 市场监督管理局`` and ``青溪县市场监督管理局`` are one agency. When a ledger agency of the desk has the
same normalised name, the supervised agency is linked to it (``ledger_agency_id``).

The regions CSV (UTF-8, with or without BOM; one row per agency; the header row names the columns):

====== ========================================================================
机关     the agency's name as printed in its reports (required)
省       province, e.g. 浙江省
市       city (prefecture), e.g. 杭州市 — empty for a county directly under the province
县       county / district / county-level city, e.g. 青溪县
乡镇     township / town / sub-district, e.g. 吴村镇 — empty for a county-level agency
部门     the kind of department, e.g. 市场监管, 教育 (optional; compares like with like across places)
====== ========================================================================

The agency is placed at the deepest non-empty place of its row. Loading the same file twice changes nothing;
a later file moves an agency to its new place.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from gongkai.errors import GongkaiError
from gongkai.ledger.agencies import normalise_name
from gongkai.store.orm import AgencyRow
from gongkai.store.orm_oversight import RegionRow, SupervisedAgencyRow

REGION_COLUMNS = (("省", "province"), ("市", "city"), ("县", "county"), ("乡镇", "township"))
AGENCY_COLUMN = "机关"
DEPARTMENT_COLUMN = "部门"


class RegionsFileError(GongkaiError):
    """A regions CSV that cannot be loaded; the message names the file and the line."""


@dataclass(frozen=True)
class RegionsLoad:
    file: str
    rows: int
    regions_created: int
    agencies_created: int
    agencies_placed: int


def agency_id_for(conn: Connection, normalized: str, printed: str) -> int:
    """The id of the supervised agency of this normalised name, created (and linked to a ledger agency of the same
    name, if any) when first seen. Runs inside the caller's transaction."""
    found = conn.execute(
        select(SupervisedAgencyRow.id).where(SupervisedAgencyRow.normalized_name == normalized)
    ).scalar_one_or_none()
    if found is not None:
        return found
    ledger = conn.execute(select(AgencyRow.id).where(AgencyRow.normalized_name == normalized)).scalar_one_or_none()
    result = conn.execute(
        insert(SupervisedAgencyRow).values(name=printed, normalized_name=normalized, ledger_agency_id=ledger)
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def load_regions_csv(*, session: Session, path: Path) -> RegionsLoad:
    """Load a regions CSV (columns above): create the places and the agencies it names, and place each agency."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RegionsFileError(f"{path}: 无法读取（{exc.strerror or exc}）") from exc
    except UnicodeDecodeError as exc:
        raise RegionsFileError(f"{path}: 不是 UTF-8 编码的 CSV 文件（请另存为 UTF-8）") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if AGENCY_COLUMN not in header:
        raise RegionsFileError(f"{path}: 第1行缺少“{AGENCY_COLUMN}”列（需要的列：机关、省、市、县、乡镇、部门）")
    reader.fieldnames = header
    regions: dict[str, int] = {r.path: r.id for r in session.scalars(select(RegionRow))}
    regions_before = len(regions)
    agencies_created = placed = rows = 0
    for line, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        name = row.get(AGENCY_COLUMN, "")
        if not name:
            raise RegionsFileError(f"{path}: 第{line}行“{AGENCY_COLUMN}”为空")
        rows += 1
        parent: int | None = None
        parts: list[str] = []
        for column, level in REGION_COLUMNS:
            place = row.get(column, "")
            if not place:
                continue
            parts.append(place)
            key = "/".join(parts)
            if key not in regions:
                region = RegionRow(parent_id=parent, level=level, name=place, path=key)
                session.add(region)
                session.flush()
                regions[key] = region.id
            parent = regions[key]
        normalized = normalise_name(name)
        agency = session.scalars(
            select(SupervisedAgencyRow).where(SupervisedAgencyRow.normalized_name == normalized)
        ).one_or_none()
        if agency is None:
            agencies_created += 1
            agency_id = agency_id_for(session.connection(), normalized, name)
            agency = session.get_one(SupervisedAgencyRow, agency_id)
        department = row.get(DEPARTMENT_COLUMN) or None
        if agency.region_id != parent or agency.department != department:
            agency.region_id = parent
            agency.department = department
            placed += 1
        session.flush()
    return RegionsLoad(str(path), rows, len(regions) - regions_before, agencies_created, placed)


__all__ = ["RegionsFileError", "RegionsLoad", "agency_id_for", "load_regions_csv"]
