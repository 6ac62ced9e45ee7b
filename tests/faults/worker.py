"""A ledger change run in its own process, so a test can kill it with SIGKILL at any moment.

    python tests/faults/worker.py URL SEARCH_PATH register AGENCY_ID COUNT
    python tests/faults/worker.py URL SEARCH_PATH publish AGENCY_ID YEAR

It prints ``ready`` once connected (imports done, so the test's clock measures the change alone), ``flushed N``
as the change reaches the database inside its one open transaction, and ``committed`` after the commit.
The applicants' key comes from ``GONGKAI_SECRET_KEY``.
"""

from __future__ import annotations

import sys
from datetime import date

from sqlalchemy import create_engine

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.model import Channel
from gongkai.ledger import create_application
from gongkai.ledger.publication import publish_report
from gongkai.ledger.schemas import ApplicantIn, ApplicationIn
from gongkai.store import make_engine, session_factory, session_scope
from gongkai.store.vocab import ApplicantType, IdDocumentType


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    url, search_path, action, agency, amount = sys.argv[1:6]
    engine = (create_engine(url, connect_args={"options": f"-csearch_path={search_path}"}) if search_path
              else make_engine(url))
    calendar = WorkCalendar.load(env={})
    factory = session_factory(engine, actor="故障测试")
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    say("ready")
    with session_scope(factory) as session:
        if action == "register":
            for i in range(int(amount)):
                create_application(session=session, agency_id=int(agency), calendar=calendar, data=ApplicationIn(
                    applicant=ApplicantIn(type=ApplicantType.NATURAL_PERSON, name=f"申请人{i}",
                                          id_document_type=IdDocumentType.RESIDENT_ID, id_document="110101199001011234",
                                          phone="13812345678", address="青溪县吴村镇东山村12号"),
                    channel=Channel.IN_PERSON, handed_in=date(2025, 6, 3),
                    information=f"第{i}件：申请公开2024年度食品安全抽检结果", actor="周敏"))
                if i % 50 == 49:
                    session.flush()
                    say(f"flushed {i + 1}")
        else:
            publish_report(session=session, agency_id=int(agency), year=int(amount), published_by="负责人",
                           on=date(int(amount) + 1, 1, 20), calendar=calendar)
            session.flush()
            say("flushed publication")
            # Held here, before COMMIT, while a test that wants to kill us at this point does so: without the
            # pause the commit can win the race against the SIGKILL. A test that does not, closes our stdin.
            sys.stdin.readline()
    say("committed")


if __name__ == "__main__":
    main()
