"""The application life cycle through the API, on SQLite and PostgreSQL: register → correction → corrected →
extension → partial reply; the deadline explanation is the desk's own; stale versions get 409; another agency's
records do not exist; personal data is masked in every answer."""

from __future__ import annotations

import json
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.api.conftest import ACTOR
from tests.api.helpers import SECRETS, application, base

from gongkai.desk.calendar import WorkCalendar
from gongkai.desk.deadline import calc_deadline, compute_reply_deadline
from gongkai.desk.explain import deadline_dict, explain_lines
from gongkai.desk.model import Channel, CorrectionReceived, CorrectionRequested, Extension, Receipt
from gongkai.ledger import get_application, reply_deadline


def _assert_masked(payload: object) -> None:
    text = json.dumps(payload, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text, secret


def test_register_correction_extension_partial_reply(
    client: TestClient, agencies: tuple[int, int], factory: sessionmaker[Session], calendar: WorkCalendar
) -> None:
    url = base(agencies[1]) + "/applications"
    created = client.post(url, json=application("2025-09-22"))
    assert created.status_code == 201, created.text
    app = created.json()
    _assert_masked(app)
    assert app["number"] == "吴村〔2025〕依申请第1号" and app["code"] == "2025-0001"
    assert app["applicant"]["name"] == "张*明" and app["applicant"]["phone"] == "138****5678"
    assert app["due_on"] == "2025-10-24" and app["deadline_state"] == "due"
    events = f"{url}/{app['id']}/events"

    step = client.post(events, json={"kind": "correction_requested", "occurred_on": "2025-09-24",
                                     "note": "请写明所需文件的名称或文号", "expected_version": app["version"]})
    assert step.status_code == 201, step.text
    assert step.json()["deadline_state"] == "awaiting_correction" and step.json()["due_on"] is None
    step = client.post(events, json={"kind": "correction_received", "occurred_on": "2025-09-30"})
    assert step.json()["due_on"] == "2025-11-04"
    step = client.post(events, json={"kind": "extension", "occurred_on": "2025-10-27", "approver": "李主任",
                                     "note": "需要调取档案"})
    assert step.status_code == 201 and step.json()["due_on"] == "2025-12-02"
    closed = client.post(f"{url}/{app['id']}/close", json={"outcome": "partially_granted", "closed_on": "2025-11-05"})
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["closed_on"] == "2025-11-05" and body["outcome"] == "partially_granted"
    assert [e["kind"] for e in body["events"]] == [
        "correction_requested", "correction_received", "extension", "reply",
    ]
    assert {e["actor"] for e in body["events"]} == {ACTOR}
    _assert_masked(body)

    explained = client.get(f"{url}/{app['id']}/deadline").json()
    expected = compute_reply_deadline(
        [
            Receipt.of(Channel.IN_PERSON, date(2025, 9, 22)),
            CorrectionRequested(date(2025, 9, 24)),
            CorrectionReceived(date(2025, 9, 30)),
            Extension("李主任", 20, date(2025, 10, 27)),
        ],
        calendar,
    )
    got = explained["explanation"]
    assert got["due"] == "2025-12-02" and got["base_due"] == "2025-11-04"
    assert got["segments"] == deadline_dict(expected)["segments"]
    assert [s["kind"] for s in got["segments"]] == ["restart", "counting", "extension"]
    assert any("第三十条" in s["basis"] for s in got["segments"])
    with factory() as s:  # the API's explanation is exactly the ledger's
        ledger = reply_deadline(session=s, agency_id=agencies[1], application_id=app["id"], calendar=calendar)
        stored = get_application(session=s, agency_id=agencies[1], application_id=app["id"])
    assert ledger is not None
    assert {k: v for k, v in got.items() if k not in ("status_label", "lines")} == json.loads(
        json.dumps(deadline_dict(ledger))
    )
    assert got["lines"] == explain_lines(ledger)
    assert stored.outcome == "partially_granted" and stored.applicant.name == "张晓明"  # stored in full, shown masked


def test_what_if_calculator_is_deadline_calc(client: TestClient, agencies: tuple[int, int], calendar: WorkCalendar) -> None:
    params: dict[str, str | list[str]] = {"received": "2025-09-20", "channel": "邮寄", "pause": ["2025-10-09:2025-10-20"],
                                          "extend": "true", "approver": "李主任"}
    got = client.get(base(agencies[0]) + "/calendar/deadline-calc", params=params)
    assert got.status_code == 200, got.text
    expected = calc_deadline(date(2025, 9, 20), "邮寄", None, [(date(2025, 10, 9), date(2025, 10, 20))], True,
                             calendar, approver="李主任")
    body = got.json()
    assert expected.due is not None and body["due"] == expected.due.isoformat()
    assert body["segments"] == json.loads(json.dumps(deadline_dict(expected)["segments"]))
    bad = client.get(base(agencies[0]) + "/calendar/deadline-calc", params={"received": "2025-09-20", "pause": "10-09"})
    assert bad.status_code == 400 and "起始日:结束日" in bad.json()["detail"]
    unknown = client.get(base(agencies[0]) + "/calendar/deadline-calc", params={"received": "2099-01-05"})
    assert unknown.status_code == 400 and "2099" in unknown.json()["detail"]


def test_stale_version_is_409_and_nothing_is_written(client: TestClient, agencies: tuple[int, int]) -> None:
    url = base(agencies[0]) + "/applications"
    app = client.post(url, json=application()).json()
    first = client.post(f"{url}/{app['id']}/events", json={"kind": "third_party_started", "occurred_on": "2025-09-25",
                                                           "expected_version": app["version"]})
    assert first.status_code == 201
    stale = client.post(f"{url}/{app['id']}/events", json={"kind": "third_party_ended", "occurred_on": "2025-10-09",
                                                           "expected_version": app["version"]})
    assert stale.status_code == 409
    assert "已被他人修改，本次操作未保存，请刷新后重试" in stale.json()["detail"]
    after = client.get(f"{url}/{app['id']}").json()
    assert [e["kind"] for e in after["events"]] == ["third_party_started"]
    closing = client.post(f"{url}/{app['id']}/close", json={"outcome": "granted", "closed_on": "2025-10-10",
                                                            "expected_version": app["version"]})
    assert closing.status_code == 409


def test_another_agencys_records_do_not_exist(client: TestClient, agencies: tuple[int, int]) -> None:
    mine, other = agencies
    app = client.post(base(mine) + "/applications", json=application()).json()
    for path in (
        f"/applications/{app['id']}",
        f"/applications/{app['id']}/deadline",
        f"/applications/{app['id']}/notices",
        "/applications/by-code/2025-0001",
    ):
        got = client.get(base(other) + path)
        assert got.status_code == 404, path
        assert "本机关没有" in got.json()["detail"]
        assert "张" not in got.text
    assert client.get(base(other) + "/applications").json() == []
    event = client.post(base(other) + f"/applications/{app['id']}/events",
                        json={"kind": "correction_requested", "occurred_on": "2025-09-24"})
    assert event.status_code == 404
    notice = client.post(base(other) + f"/applications/{app['id']}/notices", json={"kind": "receipt"})
    assert notice.status_code == 404
    appeal = client.post(base(other) + "/appeals", json={"kind": "reconsideration", "filed_on": "2025-12-01",
                                                         "application_id": app["id"]})
    assert appeal.status_code == 404
    assert client.get("/api/agencies/999/applications/1").status_code == 404
    assert client.get("/api/agencies/999").json() == {"detail": "没有编号为“999”的机关"}


def test_lists_are_masked(client: TestClient, agencies: tuple[int, int]) -> None:
    url = base(agencies[0]) + "/applications"
    client.post(url, json=application("2025-09-01"))
    lines = client.get(url).json()
    assert lines[0]["applicant_name"] == "张*明"
    overdue = client.get(url + "/overdue", params={"today": "2025-12-31"}).json()
    assert [x["code"] for x in overdue] == ["2025-0001"]
    soon = client.get(url + "/due-soon", params={"today": "2025-09-26", "working_days": 30}).json()
    assert [x["code"] for x in soon] == ["2025-0001"] and soon[0]["working_days_left"] is not None
    by_code = client.get(url + "/by-code/2025-0001").json()
    for payload in (lines, overdue, soon, by_code):
        _assert_masked(payload)


def test_errors_are_chinese(client: TestClient, agencies: tuple[int, int]) -> None:
    url = base(agencies[0]) + "/applications"
    missing = client.post(url, json={**application(), "information": ""})
    assert missing.status_code == 422
    assert "「所需信息」不能为空" in [d["msg"] for d in missing.json()["detail"]]
    wrong = client.post(url, json={k: v for k, v in application().items() if k != "handed_in"})
    assert wrong.status_code == 400 and "须给出提交之日" in wrong.json()["detail"]
    app = client.post(url, json=application()).json()
    early = client.post(f"{url}/{app['id']}/events", json={"kind": "correction_received", "occurred_on": "2025-09-24"})
    assert early.status_code == 400 and early.json()["detail"] == "尚未记录补正告知，不能记录补正到达"
    nul = client.post(url, json={**application(), "information": "a\u0000b"})
    assert nul.status_code == 422 and "空字符" in nul.text
    actor_in_body = client.post(url, json={**application(), "actor": "冒名者"})
    assert actor_in_body.status_code == 422 and "不是可用的字段" in actor_in_body.text
    assert client.get("/api/nowhere").json() == {"detail": "没有这个地址"}
