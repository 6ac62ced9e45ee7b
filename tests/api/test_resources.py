"""The other resources through the API: notices, annual reports (export media types, findings, trace), registers
(CSV upload), appeals, proactive items — and the actor dependency the web desk will replace."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.api.conftest import ACTOR
from tests.api.helpers import SECRETS, application, base

from gongkai.api import Actor, get_actor
from gongkai.notices import document_text
from gongkai.render import RENDERERS


def _new(client: TestClient, agency_id: int, day: str = "2025-09-22") -> dict[str, object]:
    created = client.post(base(agency_id) + "/applications", json=application(day))
    assert created.status_code == 201, created.text
    body: dict[str, object] = created.json()
    return body


def test_notice_is_numbered_recorded_and_downloadable(client: TestClient, agencies: tuple[int, int]) -> None:
    agency = agencies[1]
    app = _new(client, agency)
    url = base(agency) + f"/applications/{app['id']}/notices"
    issued = client.post(url, json={"kind": "correction", "issued_on": "2025-09-24",
                                    "fields": {"补正事项": "请写明所需文件的名称或文号"}})
    assert issued.status_code == 201, issued.text
    notice = issued.json()
    assert notice["number"] == "吴村〔2025〕补正第1号" and notice["created_by"] == ACTOR
    assert notice["template_source"] == "shipped"
    assert not any(secret in json.dumps(notice, ensure_ascii=False) for secret in SECRETS)
    second = client.post(url, json={"kind": "correction", "issued_on": "2025-09-25", "fields": {"补正事项": "x"}}).json()
    assert second["number"] == "吴村〔2025〕补正第2号"
    doc = client.get(f"{url}/{notice['id']}/document")
    assert doc.status_code == 200
    assert doc.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "filename*=UTF-8''" in doc.headers["content-disposition"]
    text = document_text(doc.content)
    assert "吴村〔2025〕补正第1号" in text and "张晓明：" in text and "请写明所需文件的名称或文号" in text
    assert [n["number"] for n in client.get(url).json()] == ["吴村〔2025〕补正第1号", "吴村〔2025〕补正第2号"]
    missing = client.post(url, json={"kind": "third_party"})
    assert missing.status_code == 400 and "第三方" in missing.json()["detail"]
    fixed = client.post(url, json={"kind": "receipt", "fields": {"文书编号": "自拟第1号"}})
    assert fixed.status_code == 400 and fixed.json()["detail"] == "「文书编号」由台账生成，不能指定"
    reply = client.post(url, json={"kind": "reply"})
    assert reply.status_code == 400 and "须指明办理结果" in reply.json()["detail"]


def test_office_template_override_through_the_api(
    client: TestClient, agencies: tuple[int, int], templates_dir: Path
) -> None:
    agency = agencies[0]
    own = templates_dir / str(agency)
    own.mkdir()
    custom = Document()
    custom.add_paragraph("本机关自定义的回执")
    custom.add_paragraph("{{申请编号}} {{文书编号}} {{申请人}}")
    custom.save(str(own / "receipt.docx"))
    listing = {t["key"]: t["source"] for t in client.get(base(agency) + "/notice-templates").json()}
    assert listing["receipt"].endswith("receipt.docx") and listing["correction"] == "shipped"
    app = _new(client, agency)
    notice = client.post(base(agency) + f"/applications/{app['id']}/notices",
                         json={"kind": "receipt", "issued_on": "2025-09-23"}).json()
    assert notice["template_source"].endswith(f"{agency}/receipt.docx")
    doc = client.get(base(agency) + f"/applications/{app['id']}/notices/{notice['id']}/document").content
    assert document_text(doc) == "本机关自定义的回执\n吴村〔2025〕依申请第1号 吴村〔2025〕受理第1号 张晓明".replace("吴村", "青溪市监")
    template = client.get(base(agency) + "/notice-templates/receipt")
    assert template.status_code == 200 and template.content == (own / "receipt.docx").read_bytes()
    assert client.get(base(agency) + "/notice-templates/nothing").status_code == 404


@pytest.mark.parametrize("fmt", sorted(set(RENDERERS) - {"pdf"}))
def test_report_export_media_types(client: TestClient, agencies: tuple[int, int], fmt: str) -> None:
    _new(client, agencies[0], "2025-03-03")
    got = client.get(base(agencies[0]) + "/reports/2025/export", params={"format": fmt})
    assert got.status_code == 200, got.text
    renderer = RENDERERS[fmt]
    assert got.headers["content-type"].replace(" ", "") == renderer.media_type.replace(" ", "")
    assert renderer.extension in got.headers["content-disposition"]
    if fmt in ("docx", "xlsx"):
        assert got.content[:2] == b"PK"
    if fmt == "json":
        assert got.json()["meta"]["year"] == 2025
    bad = client.get(base(agencies[0]) + "/reports/2025/export", params={"format": "odt"})
    assert bad.status_code == 422


def test_report_findings_and_trace(client: TestClient, agencies: tuple[int, int]) -> None:
    agency = agencies[0]
    app = _new(client, agency, "2025-03-03")
    client.post(base(agency) + f"/applications/{app['id']}/close", json={"outcome": "granted", "closed_on": "2025-03-10"})
    report = client.get(base(agency) + "/reports/2025").json()
    assert report["year"] == 2025 and report["cells"]["t3.granted.natural_person"]["value"] == 1
    assert "#0001" in report["cells"]["t3.granted.natural_person"]["provenance"]
    findings = client.get(base(agency) + "/reports/2025/findings").json()
    assert all(f["rule"].startswith("GK") for f in findings)
    trace = client.get(base(agency) + "/reports/2025/cells/t3.granted.natural_person/trace").json()
    assert trace["applications"] == ["2025-0001"]
    assert client.get(base(agency) + "/reports/2025/cells/t2.x/trace").status_code == 404
    stored = client.post(base(agency) + "/reports/2025/versions")
    assert stored.status_code == 201 and stored.json()["created_by"] == ACTOR
    assert [v["year"] for v in client.get(base(agency) + "/reports/versions").json()] == [2025]


def test_registers_csv_upload(client: TestClient, agencies: tuple[int, int]) -> None:
    url = base(agencies[0]) + "/registers"
    csv = "类别,标题,文号,制发日期,废止日期\n规章,青溪县某管理办法,青政〔2025〕1号,2025-02-01,\n".encode()
    got = client.post(url + "/import", files={"file": ("文件登记.csv", io.BytesIO(csv), "text/csv")})
    assert got.status_code == 200, got.text
    assert got.json() == {"file": "文件登记.csv", "layout": "documents", "created": 1, "updated": 0}
    bad = "年度,事项,数量,金额（万元）\n2025,行政许可,十二,\n".encode()
    refused = client.post(url + "/import", files={"file": ("坏.csv", io.BytesIO(bad), "text/csv")})
    assert refused.status_code == 400 and "坏.csv 第2行「数量」列" in refused.json()["detail"]
    docs = client.get(url + "/documents").json()
    assert [d["title"] for d in docs] == ["青溪县某管理办法"]
    repealed = client.post(url + f"/documents/{docs[0]['id']}/repeal", json={"repealed_on": "2025-12-01"})
    assert repealed.json()["repealed_on"] == "2025-12-01"
    tally = client.put(url + "/tallies", json={"year": 2025, "item": "licensing", "decisions": 12})
    assert tally.status_code == 200 and tally.json()["decisions"] == 12
    assert [t["item"] for t in client.get(url + "/tallies/2025").json()] == ["licensing"]


def test_appeals_and_proactive(client: TestClient, agencies: tuple[int, int]) -> None:
    agency = agencies[0]
    app = _new(client, agency)
    appeal = client.post(base(agency) + "/appeals", json={"kind": "reconsideration", "filed_on": "2025-12-01",
                                                          "application_id": app["id"], "body": "青溪县人民政府"})
    assert appeal.status_code == 201 and appeal.json()["application_code"] == "2025-0001"
    decided = client.post(base(agency) + f"/appeals/{appeal.json()['id']}/decision",
                          json={"outcome": "upheld", "decided_on": "2026-01-10"})
    assert decided.json()["outcome_label"] == "结果维持"
    assert len(client.get(base(agency) + "/appeals", params={"year": 2025}).json()) == 1
    url = base(agency) + "/proactive"
    item = client.post(url, json={"title": "2025年部门预算", "category": 7, "formed_on": "2025-03-03"}).json()
    assert item["publish_due"] == "2025-03-31"
    for step, at in (("drafter", "2025-03-04T09:00"), ("confidentiality", "2025-03-05T09:00"), ("leader", "2025-03-06T09:00")):
        done = client.post(f"{url}/{item['id']}/review", json={"step": step, "decision": "approved", "decided_at": at})
        assert done.status_code == 200, done.text
    assert done.json()["review"][0]["reviewer"] == ACTOR
    early = client.post(f"{url}/{item['id']}/publication", json={"published_on": "2025-03-05", "channels": ["portal"]})
    assert early.status_code == 400 and "先审查、后公开" in early.json()["detail"]
    stale = client.post(f"{url}/{item['id']}/publication",
                        json={"published_on": "2025-03-07", "channels": ["portal"], "expected_version": 1})
    assert stale.status_code == 409
    published = client.post(f"{url}/{item['id']}/publication", json={"published_on": "2025-03-07", "channels": ["portal"]})
    assert published.json()["published_late"] is False


def test_the_actor_is_a_dependency(api: FastAPI, agencies: tuple[int, int]) -> None:
    """The web desk plugs its logged-in user in by overriding one dependency; the body cannot name the actor."""
    api.dependency_overrides[get_actor] = lambda: Actor(id="u7", name="周敏", roles=frozenset({"clerk"}))
    with TestClient(api) as client:
        app = _new(client, agencies[0])
        event = client.post(base(agencies[0]) + f"/applications/{app['id']}/events",
                            json={"kind": "third_party_started", "occurred_on": "2025-09-25"}).json()
    assert event["events"][0]["actor"] == "周敏"
