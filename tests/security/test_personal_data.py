"""Personal data masked everywhere but the clerk's own case file and the notice sent to the applicant: the queue,
the API's lists and details, the report and its exports (every format), the cell trace, the audit log, the
oversight pages — and the output of the real server (``gongkai serve --access-log``) while a citizen applies
and a clerk handles the application.

In-process parts on SQLite only: masking is done in Python before anything is shown (the storage tests check
that the columns are encrypted on both backends).
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from tests.security.conftest import ID_A, NAME_A, PHONE_A, YEAR, RecordsOfA
from tests.web.conftest import login

from gongkai.ledger.masking import mask_name
from gongkai.store.audit import ENCRYPTED
from gongkai.store.vocab import ApplicantType

FULL = (NAME_A, PHONE_A, ID_A, "zhangxm@example.cn", "东山村12号")


def shown(answer: httpx2.Response) -> str:
    """What an answer shows, a ZIP (DOCX, XLSX) unpacked to its XML text."""
    data = answer.content
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                             if n.endswith(".xml"))
    return data.decode("utf-8", "replace")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_lists_exports_and_the_audit_log_show_personal_data_masked(
    web: TestClient, records_of_a: RecordsOfA
) -> None:
    a, app_id = records_of_a.agency_a, records_of_a.ids["application_id"]
    api = f"/api/agencies/{a}"
    login(web, "clerk1")
    urls = [f"/desk/{a}/", f"/desk/{a}/?status=all", f"/desk/{a}/applications/{app_id}",
            f"{api}/applications", f"{api}/applications?status=all", f"{api}/applications/overdue",
            f"{api}/applications/due-soon", f"{api}/applications/{app_id}", f"{api}/applications/by-code/"
            + records_of_a.ids["code"], f"{api}/appeals", f"{api}/applications/{app_id}/notices",
            f"/desk/{a}/appeals?year=all", f"/desk/{a}/reports/{YEAR}", f"/desk/{a}/reports/{YEAR}/cells/t3.new.natural_person"]
    urls += [f"{api}/reports/{YEAR}/export?format={fmt}" for fmt in ("docx", "html", "md", "xlsx", "tsv",
                                                                      "wordlines", "json")]
    urls += [f"/desk/{a}/reports/{YEAR}/export/{fmt}" for fmt in ("docx", "html")]
    urls += [f"/desk/{a}/reports/{YEAR}/preview", f"{api}/reports/{YEAR}/cells/t3.new.natural_person/trace"]
    answers = {url: web.get(url) for url in urls}
    login(web, "admin1")
    answers["/admin/audit"] = web.get("/admin/audit")
    answers["/admin/"] = web.get("/admin/")
    login(web, "oversight")
    for url in ("/oversight/", "/oversight/findings", f"/oversight/agencies/{a}/{YEAR}",
                f"/desk/{a}/applications/{app_id}", f"/oversight/agencies/{a}/{YEAR}/export/docx"):
        answers["oversight " + url] = web.get(url)
    masked = mask_name(NAME_A, ApplicantType.NATURAL_PERSON)
    for url, answer in answers.items():
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
        text = shown(answer)
        assert not [s for s in FULL if s in text], (url, [s for s in FULL if s in text])
    # and the masked forms are there, so the pages were the ones that show applicants
    assert masked in answers[f"/desk/{a}/?status=all"].text
    assert masked in answers[f"{api}/applications/{app_id}"].text
    assert "138****5678" in answers[f"{api}/applications/{app_id}"].text
    assert ENCRYPTED in answers["/admin/audit"].text, "the audit log shows the application's encrypted columns"


# ---------------------------------------------------------------- the server's own output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``gongkai serve --access-log`` with demo data on a fresh SQLite file; yields its URL and its output."""
    port = _free_port()
    log = tmp_path / "serve.log"
    command = [
        str(Path(sys.executable).with_name("gongkai")), "serve", "--host", "127.0.0.1", "--port", str(port),
        "--db", f"sqlite:///{tmp_path / 'desk.db'}", "--demo", "--demo-password", "log-test-password",
        "--access-log",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")} | {"GONGKAI_DATA_DIR": str(tmp_path)}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text(errors="replace")[-2000:]
                assert time.monotonic() < deadline, "gongkai serve did not start in 60 s"
                try:
                    if httpx2.get(url + "/login", timeout=2).status_code == 200:
                        break
                except httpx2.TransportError:
                    time.sleep(0.2)
            yield url, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_the_server_log_never_holds_an_applicants_personal_data(served: tuple[str, Path]) -> None:
    url, log = served
    name, phone, id_number, email = "欧阳明远", "13987654321", "11010519491231002X", "ouyang.my@example.cn"
    with httpx2.Client(base_url=url, timeout=30, follow_redirects=False) as clerk:
        signed = clerk.post("/login", data={"csrf_token": _token(clerk.get("/login").text), "username": "clerk1",
                                            "password": "log-test-password"})
        assert signed.status_code == 303
        home = signed.headers["location"]
        agency = re.fullmatch(r"/desk/(\d+)/", home)
        assert agency is not None
        with httpx2.Client(base_url=url, timeout=30, follow_redirects=False) as citizen:
            form = citizen.get(f"/apply/{agency.group(1)}")
            answer = citizen.post(f"/apply/{agency.group(1)}", data={
                "csrf_token": _token(form.text), "applicant_type": "natural_person", "name": name,
                "id_document_type": "resident_id", "id_document": id_number, "phone": phone, "email": email,
                "address": "青溪县吴村镇西山村8号", "information": "西山村道路改造工程的招标文件", "form_wanted": "paper",
                "delivery": "post", "declaration": "yes"})
            assert answer.status_code == 303, answer.text[:800]
            receipt = citizen.get("/apply/done").text
            number = re.search(r"[^\s<>]+〔\d{4}〕[^\s<>]*号", receipt)
            code = re.search(r'class="code[^"]*"[^>]*>\s*([A-Z0-9-]{6,})', receipt)
            assert number is not None and code is not None, receipt[:2000]
            status = citizen.post("/status", data={"csrf_token": _token(citizen.get("/status").text),
                                                   "number": number.group(0), "code": code.group(1)})
            assert status.status_code == 200 and "受理" in status.text
            wrong = citizen.post("/status", data={"csrf_token": _token(citizen.get("/status").text),
                                                  "number": number.group(0), "code": "WRONG1"})
            assert wrong.status_code == 404
        queue = clerk.get(home, params={"status": "all", "q": number.group(0)}).text
        links = re.findall(rf'href="({re.escape(home)}applications/\d+)"', queue)
        assert links
        for link in links:
            page = clerk.get(link)
            assert page.status_code == 200
            if mask_name(name, ApplicantType.NATURAL_PERSON) in page.text:
                break
        else:
            raise AssertionError("the case file of the new application was not found")
        assert clerk.get(f"/api/agencies{home.removeprefix('/desk').rstrip('/')}/applications").status_code == 200
    time.sleep(0.5)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert "POST /apply/" in output and "GET /desk/" in output, output[-2000:]  # the access log is on
    for secret in (name, phone, id_number, email, "西山村8号", code.group(1)):
        assert secret not in output, f"the server log shows {secret!r}"
