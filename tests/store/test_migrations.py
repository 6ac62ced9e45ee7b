"""Migrations: from an empty database to the newest schema on both backends, matching the models exactly."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from gongkai.store.migrate import current_revision, downgrade, head_revision, schema_differences, upgrade
from gongkai.store.orm import Base


def test_upgrade_from_empty_matches_the_models(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert schema_differences(empty_engine) == []  # alembic autogenerate finds nothing to change
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_downgrade_to_empty_and_back(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "base")
    assert not set(Base.metadata.tables) & set(inspect(empty_engine).get_table_names())
    upgrade(empty_engine)
    assert schema_differences(empty_engine) == []


def test_upgrade_is_idempotent(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(engine: Engine, backend: str) -> None:
    if backend != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_0009_moves_the_other_report_of_copied_text_findings_into_its_column(empty_engine: Engine) -> None:
    upgrade(empty_engine, "0008")
    now = "2026-01-01 00:00:00"
    with empty_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO oversight_agencies (id, name, normalized_name, created_at) VALUES (1, '甲镇', '甲镇', :t)"),
            {"t": now},
        )
        for n in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO oversight_source_files (id, sha256, name, size, format, status, first_seen) "
                    "VALUES (:n, :sha, :name, 1, 'text', 'imported', :t)"
                ),
                {"n": n, "sha": str(n) * 64, "name": f"{n}.txt", "t": now},
            )
            conn.execute(
                text(
                    "INSERT INTO oversight_reports (id, agency_id, year, version, current, source_file_id, "
                    "printed_agency, reader, imported_at) VALUES (:n, 1, 2023 + :n, 1, true, :n, '甲镇', 'text', :t)"
                ),
                {"n": n, "t": now},
            )
        for position, location in enumerate(("与报告 #2", "第12行", "与报告 #99")):  # 99: no such report
            conn.execute(
                text(
                    "INSERT INTO oversight_findings (report_id, position, rule, kind, severity, message, cells, "
                    "location, fingerprint) VALUES (1, :p, 'GK412', 'text_table', 'warning', '雷同', '[]', :loc, :fp)"
                ),
                {"p": position, "loc": location, "fp": f"fp{position}"},
            )
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        found = conn.execute(text("SELECT position, other_report_id FROM oversight_findings ORDER BY position")).all()
    assert [tuple(row) for row in found] == [(0, 2), (1, None), (2, None)]
    assert schema_differences(empty_engine) == []
