"""Protection of applicants' personal information at rest (name, identity document, phone, e-mail, address).

Each value is encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) before it reaches the
database; the database alone never reveals who applied. The key comes from, in this order:

1. ``GONGKAI_SECRET_KEY`` — one Fernet key, or several separated by commas for key rotation: the first encrypts,
   all of them decrypt (so old rows stay readable after a new key is put first);
2. a key file, created on first use with mode 0600: next to a SQLite database (``gongkai.db`` →
   ``gongkai.db.key``), else ``secret.key`` in the data directory (``GONGKAI_DATA_DIR``, see
   :mod:`gongkai.store.db`).

**Back the key up, separately from the database backups.** Without it the personal data cannot be read;
with it, anyone holding a database copy can. A key that does not open a stored value raises
:class:`SecretKeyError` — the data is never shown garbled.

To group the applications of one applicant (按件 fees count per applicant per month; 重复申请) without storing
the identity in clear, :meth:`Protector.digest` gives a keyed HMAC of the normalised identity.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.orm import Session

from gongkai.store.db import data_dir, database_url, sqlite_path
from gongkai.store.errors import SecretKeyError

SECRET_KEY_ENV = "GONGKAI_SECRET_KEY"
KEY_FILE_SUFFIX = ".key"
DATA_DIR_KEY_FILE = "secret.key"
_DIGEST_CONTEXT = b"gongkai applicant digest v1"


class Protector:
    """Encrypts and decrypts personal fields; computes the applicant digest."""

    def __init__(self, keys: list[bytes], origin: str = "") -> None:
        if not keys:
            raise SecretKeyError("没有可用的密钥")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except ValueError as exc:
            raise SecretKeyError(f"密钥格式无效（应为 Fernet 密钥，32 字节 URL 安全 Base64）：{origin}") from exc
        self._digest_key = hashlib.sha256(_DIGEST_CONTEXT + keys[0]).digest()
        self.origin = origin

    @classmethod
    def generate(cls) -> Protector:
        """A protector with a fresh random key (tests, demos)."""
        return cls([Fernet.generate_key()], "临时密钥")

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def encrypt_optional(self, value: str | None) -> str | None:
        return None if value is None or value == "" else self.encrypt(value)

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise SecretKeyError(
                f"无法解密申请人信息：当前密钥（{self.origin}）与加密时使用的密钥不一致；请配置正确的 {SECRET_KEY_ENV} 或密钥文件"
            ) from exc

    def decrypt_optional(self, token: str | None) -> str | None:
        return None if token is None else self.decrypt(token)

    def digest(self, *parts: str | None) -> str:
        """A keyed digest of an identity: equal for the same person however the text was typed (full-width,
        spaces, letter case), different under another installation's key."""
        text = "\x1f".join(_normalise(p or "") for p in parts)
        return hmac.new(self._digest_key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def key_file_for(url: str, env: Mapping[str, str] | None = None) -> Path:
    """Where the key file of the database ``url`` lives."""
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + KEY_FILE_SUFFIX)
    return data_dir(env) / DATA_DIR_KEY_FILE


def _read_or_create(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        # O_EXCL: two processes starting at once must not each write their own key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    return key


def load_protector(url: str | None = None, env: Mapping[str, str] | None = None) -> Protector:
    """The protector for database ``url``: from ``GONGKAI_SECRET_KEY`` or the key file (created on first use)."""
    environ = os.environ if env is None else env
    configured = environ.get(SECRET_KEY_ENV, "").strip()
    if configured:
        keys = [k.strip().encode("ascii") for k in configured.split(",") if k.strip()]
        return Protector(keys, f"环境变量 {SECRET_KEY_ENV}")
    path = key_file_for(url or database_url(environ), environ)
    try:
        key = _read_or_create(path)
    except OSError as exc:
        raise SecretKeyError(f"无法读取或创建密钥文件 {path}（{exc.strerror or exc}）") from exc
    return Protector([key], f"密钥文件 {path}")


def protector_for(session: Session) -> Protector:
    """The protector of a session: the one given to :func:`gongkai.store.db.session_factory`, else the one of
    the session's database (found once, then kept in ``session.info``)."""
    found = session.info.get("protector")
    if isinstance(found, Protector):
        return found
    bind = session.get_bind()
    url = bind.engine.url.render_as_string(hide_password=False)
    protector = load_protector(url)
    session.info["protector"] = protector
    return protector
