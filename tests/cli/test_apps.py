"""The desk's commands as the lead mounts them: each run, then the state checked through the Python API, and the
exact one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from gongkai.cli_apps import agency_app, app_app, notice_command, notice_templates_command
from gongkai.cli_desk import deadline_app
from gongkai.cli_records import appeal_app, proactive_app
from gongkai.desk.calendar import HOLIDAYS_ENV
from gongkai.ledger import find_application, get_application, list_appeals, list_items
from gongkai.notices import document_text, list_notices
from gongkai.store import make_engine, session_scope


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(agency_app, name="agency")
    app.add_typer(app_app, name="app")
    app.command("notice")(notice_command)
    app.command("notice-templates")(notice_templates_command)
    app.add_typer(appeal_app, name="appeal")
    app.add_typer(proactive_app, name="proactive")
    app.add_typer(deadline_app, name="deadline")
    return app


APP = _app()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


def run(db: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """The command on ``db``, with none of the user's own settings (None unsets a variable)."""
    environ: dict[str, str | None] = {"GONGKAI_DATABASE_URL": db, HOLIDAYS_ENV: None, "GONGKAI_AGENCY": None,
                                      "GONGKAI_ACTOR": None, "GONGKAI_NOTICE_TEMPLATES": None, **(env or {})}
    result = CliRunner().invoke(APP, list(args), env=environ)
    return result.exit_code, result.stdout, result.stderr


def test_register_events_close_deadline_and_notice(db: str, tmp_path: Path) -> None:
    assert run(db, "agency", "add", "青溪县吴村镇人民政府", "--kind", "乡镇", "--abbr", "吴村")[0] == 0
    code, out, err = run(db, "app", "register", "--name", "张晓明", "--id-type", "身份证", "--id-number",
                         "110101199001011234", "--phone", "13812345678", "-i", "东山村2025年土地征收补偿安置方案",
                         "--channel", "当面", "--date", "2025-09-22", "--form", "纸质", "--delivery", "邮寄",
                         "--actor", "周敏")
    assert code == 0, err
    assert out == "已登记 吴村〔2025〕依申请第1号（2025-0001，内部编号 1）：收到之日 2025-09-22，答复期限 2025-10-24（星期五）\n"
    steps = [
        ("app", "event", "2025-0001", "补正告知", "--date", "2025-09-24", "--note", "请写明所需文件的名称或文号"),
        ("app", "event", "吴村〔2025〕依申请第1号", "补正到达", "--date", "2025-09-30"),
        ("app", "event", "1", "延期", "--date", "2025-10-27", "--approver", "李主任", "--note", "需要调取档案"),
    ]
    for step in steps:
        code, out, err = run(db, *step, "--actor", "周敏")
        assert code == 0, err
    assert "答复期限 2025-12-02（星期二）" in out
    code, out, _ = run(db, "deadline", "show", "2025-0001")
    assert code == 0
    assert "1. 重新起算（此前期间不计算）　2025-09-23 至 2025-09-30　7 个工作日　依据：第三十条" in out
    assert "3. 延长　2025-11-05 至 2025-12-02　20 个工作日" in out and "批准人：李主任" in out
    code, out, _ = run(db, "deadline", "show", "2025-0001", "--format", "json")
    assert json.loads(out)["due"] == "2025-12-02"
    letter = tmp_path / "延期.docx"
    code, out, err = run(db, "notice", "2025-0001", "延期答复告知书", "-o", str(letter), "--date", "2025-10-27")
    assert code == 0, err
    assert out.startswith("已出具 吴村〔2025〕延期第1号 政府信息公开申请延期答复告知书")
    text = document_text(letter.read_bytes())
    assert "张晓明：" in text and "延长后的答复期限届满日为2025年12月2日" in text
    code, out, err = run(db, "app", "close", "2025-0001", "部分公开", "--date", "2025-11-05", env={"GONGKAI_ACTOR": "周敏"})
    assert code == 0, err
    reply = tmp_path / "答复书.docx"
    code, out, err = run(db, "notice", "2025-0001", "答复书", "-o", str(reply), "--date", "2025-11-05",
                         "--field", "不予公开理由=涉及第三方个人隐私")
    assert code == 0, err
    assert "涉及第三方个人隐私" in document_text(reply.read_bytes())
    code, out, _ = run(db, "app", "show", "2025-0001")
    assert "申请人：张*明（自然人）　110***********1234，138****5678" in out and "13812345678" not in out
    with session_scope(make_engine(db)) as s:
        app = find_application(session=s, agency_id=1, year=2025, seq=1)
        stored = get_application(session=s, agency_id=1, application_id=app.id)
        notices = list_notices(session=s, agency_id=1, application_id=app.id)
    assert stored.outcome == "partially_granted" and {e.actor for e in stored.events} == {"周敏"}
    assert [n.number for n in notices] == ["吴村〔2025〕延期第1号", "吴村〔2025〕答复第1号"]


def test_lists_appeals_and_proactive(db: str) -> None:
    run(db, "agency", "add", "青溪县吴村镇人民政府", "--kind", "乡镇", "--abbr", "吴村")
    run(db, "app", "register", "--name", "张晓明", "-i", "某文件", "--channel", "当面", "--date", "2025-09-01")
    code, out, _ = run(db, "app", "list", "--overdue", "--today", "2025-12-31")
    assert code == 0 and out.startswith("2025-0001　张*明　收到 2025-09-01　期限 2025-09-28（已确定）") and out.endswith("共 1 件\n")
    code, out, _ = run(db, "app", "list", "--due-within", "5", "--today", "2025-09-24", "--format", "json")
    assert json.loads(out.splitlines()[0])["working_days_left"] == 3
    assert run(db, "appeal", "add", "行政复议", "--filed", "2025-12-01", "--app", "2025-0001")[0] == 0
    assert run(db, "appeal", "decide", "1", "维持", "--date", "2026-01-10")[0] == 0
    assert run(db, "proactive", "add", "2025年部门预算", "--category", "7", "--formed", "2025-03-03")[0] == 0
    for step, at in (("承办人", "2025-03-04T09:00"), ("保密审查", "2025-03-05T09:00"), ("领导签发", "2025-03-06T09:00")):
        assert run(db, "proactive", "review", "1", step, "同意公开", "--at", at)[0] == 0
    code, out, err = run(db, "proactive", "publish", "1", "--channel", "门户网站", "--channel", "公开栏",
                         "--date", "2025-03-07")
    assert code == 0, err
    with session_scope(make_engine(db)) as s:
        appeals = list_appeals(session=s, agency_id=1)
        items = list_items(session=s, agency_id=1)
    assert appeals[0].outcome.value == "upheld" and appeals[0].application_code == "2025-0001"
    assert items[0].published_on is not None and len(items[0].review) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("app", "show", "2025-0009"), "错误：本机关没有申请“2025-0009”\n"),
        (("app", "close", "2025-0001", "不予公开"), "错误：办理结果“不予公开”不唯一，可用："),
        (("app", "event", "2025-0001", "补正到达", "--date", "2025-09-05"), "错误：尚未记录补正告知，不能记录补正到达\n"),
        (("app", "event", "2025-0001", "延期", "--date", "2025-09-05"), "错误：延长答复期限须记录批准人（政府信息公开工作机构负责人）\n"),
        (("app", "event", "2025-0001", "补正告知", "--date", "2025-13-01"), "错误：日期“2025-13-01”不是有效日期（格式 YYYY-MM-DD）\n"),
        (("notice", "2025-0001", "征询函", "-o", "x.docx"), "错误：文书缺少「第三方」"),
        (("app", "list", "--agency", "不存在的镇"), "错误：没有名为“不存在的镇”的机关\n"),
        (("app", "register", "--name", " ", "-i", "x", "--date", "2025-09-01"), "错误：「姓名或者名称」不能为空\n"),
    ],
)
def test_errors_are_one_line(db: str, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    run(db, "agency", "add", "青溪县吴村镇人民政府", "--kind", "乡镇", "--abbr", "吴村")
    run(db, "app", "register", "--name", "张晓明", "-i", "某文件", "--channel", "当面", "--date", "2025-09-01")
    code, out, err = run(db, *args)
    assert code == 2
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err + out


def test_agency_is_required_when_several(db: str) -> None:
    run(db, "agency", "add", "青溪县吴村镇人民政府", "--kind", "乡镇", "--abbr", "吴村")
    run(db, "agency", "add", "青溪县市场监督管理局", "--kind", "县级部门", "--abbr", "青溪市监")
    code, _out, err = run(db, "app", "list")
    assert code == 2 and err == "错误：台账中有多个机关：请用 --agency 指定（名称或编号），或设置 GONGKAI_AGENCY\n"
    code, out, _ = run(db, "app", "list", env={"GONGKAI_AGENCY": "青溪县市场监督管理局"})
    assert code == 0 and out == "共 0 件\n"


def test_notice_templates_listing_and_export(db: str, tmp_path: Path) -> None:
    run(db, "agency", "add", "青溪县吴村镇人民政府", "--kind", "乡镇", "--abbr", "吴村")
    target = tmp_path / "文书模板"
    code, out, _ = run(db, "notice-templates", "--export", str(target))
    assert code == 0 and (target / "correction.docx").exists() and (target / "notices.toml").exists()
    (target / "1").mkdir()
    (target / "correction.docx").rename(target / "1" / "correction.docx")
    code, out, _ = run(db, "notice-templates", "--templates", str(target))
    lines = dict(line.split("\t", 1) for line in out.splitlines() if "\t" in line)
    assert lines["correction"].endswith(str(target / "1" / "correction.docx"))
    assert lines["receipt"].endswith(str(target / "receipt.docx"))


def test_every_command_has_help_with_an_example() -> None:
    commands = [
        ("agency", "add"), ("agency", "list"), ("app", "register"), ("app", "event"), ("app", "close"), ("app", "show"),
        ("app", "list"), ("notice",), ("notice-templates",), ("appeal", "add"), ("appeal", "decide"),
        ("appeal", "list"), ("proactive", "add"), ("proactive", "review"), ("proactive", "publish"),
        ("proactive", "list"), ("deadline", "show"),
    ]
    for command in commands:
        result = CliRunner().invoke(APP, [*command, "--help"], terminal_width=200)
        assert result.exit_code == 0, command
        assert "gongkai " + " ".join(command) in result.output, command
