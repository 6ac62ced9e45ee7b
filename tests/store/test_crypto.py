"""Applicants' personal data: encrypted at rest, masked when shown, the key from the environment or a key file."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from tests.ledger.helpers import new_application

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import application_view, get_application
from gongkai.ledger.masking import mask_address, mask_email, mask_id_document, mask_name, mask_phone
from gongkai.store import Protector, SecretKeyError, load_protector, session_factory
from gongkai.store.crypto import key_file_for
from gongkai.store.vocab import ApplicantType, IdDocumentType


def test_personal_fields_are_encrypted_at_rest(
    factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    with factory.begin() as s:
        app = new_application(s, agencies[0], date(2025, 3, 3), calendar)
    with factory() as s:
        raw = s.execute(text("SELECT applicant_name, id_document, phone, email, address FROM applications")).one()
    joined = " ".join(str(v) for v in raw)
    for secret in ("张晓明", "110101199001011234", "13812345678", "zhangxm", "东山村"):
        assert secret not in joined
    with factory() as s:
        back = get_application(session=s, agency_id=agencies[0], application_id=app.id)
    assert back.applicant.name == "张晓明" and back.applicant.id_document == "110101199001011234"


def test_shown_masked(factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar) -> None:
    with factory.begin() as s:
        app = new_application(s, agencies[0], date(2025, 3, 3), calendar)
    view = application_view(app)
    assert view.applicant.name == "张*明"
    assert view.applicant.id_document == "110***********1234"
    assert view.applicant.phone == "138****5678"
    assert view.applicant.email == "z***@example.cn"
    assert view.applicant.address == "青溪县吴村镇******"
    assert "张晓明" not in view.model_dump_json()


def test_masking_rules() -> None:
    assert mask_name("王芳", ApplicantType.NATURAL_PERSON) == "王*"
    assert mask_name("欧阳晓明", ApplicantType.NATURAL_PERSON) == "欧**明"
    assert mask_name("青溪县绿源农业发展有限公司", ApplicantType.BUSINESS) == "青溪县绿源农业发展有限公司"
    assert mask_id_document("91339000MA2XXXXX0Q", IdDocumentType.CREDIT_CODE) == "91339000MA2XXXXX0Q"
    assert mask_id_document("E12345678", IdDocumentType.PASSPORT) == "E*****678"
    assert mask_phone("0571-88881234") == "057*-****1234"
    assert mask_email("abc@x.cn") == "a***@x.cn"
    assert mask_address("北京") == "**"


def test_a_wrong_key_never_shows_garbled_data(
    engine: object, factory: sessionmaker[Session], agencies: tuple[int, int], calendar: WorkCalendar
) -> None:
    with factory.begin() as s:
        app = new_application(s, agencies[0], date(2025, 3, 3), calendar)
    other = session_factory(factory.kw["bind"], protector=Protector.generate())
    with other() as s, pytest.raises(SecretKeyError, match="无法解密申请人信息"):
        get_application(session=s, agency_id=agencies[0], application_id=app.id)


def test_key_file_created_next_to_the_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    first = load_protector(url, env={})
    path = key_file_for(url)
    assert path == tmp_path / "ledger.db.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    token = first.encrypt("李娜")
    assert load_protector(url, env={}).decrypt(token) == "李娜"


def test_key_file_in_the_data_dir_for_postgresql(tmp_path: Path) -> None:
    env = {"GONGKAI_DATA_DIR": str(tmp_path)}
    protector = load_protector("postgresql+psycopg://u:p@localhost/db", env=env)
    assert (tmp_path / "secret.key").exists()
    assert protector.decrypt(protector.encrypt("x")) == "x"


def test_key_from_the_environment_with_rotation() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = load_protector("sqlite://", env={"GONGKAI_SECRET_KEY": old}).encrypt("赵磊")
    rotated = load_protector("sqlite://", env={"GONGKAI_SECRET_KEY": f"{new},{old}"})
    assert rotated.decrypt(token) == "赵磊"
    with pytest.raises(SecretKeyError, match="密钥格式无效"):
        load_protector("sqlite://", env={"GONGKAI_SECRET_KEY": "not-a-key"})


def test_digest_ignores_spelling_but_not_identity() -> None:
    p = Protector.generate()
    assert p.digest("natural_person", "张晓明", "11010119900101123x") == p.digest(
        "natural_person", " 张晓明 ", "１１０１０１１９９００１０１１２３Ｘ"
    )
    assert p.digest("natural_person", "张晓明", "1") != p.digest("natural_person", "张晓明", "2")
    assert Protector.generate().digest("a") != p.digest("a")
