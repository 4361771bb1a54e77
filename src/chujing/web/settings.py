"""Where the web service keeps its state, and the limits it enforces."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_UPLOAD = 256 * 1024 * 1024  # bytes; `--max-upload` / CHUJING_MAX_UPLOAD
DEFAULT_MAX_BODY = 2 * 1024 * 1024  # JSON bodies (scenarios) are small


def chujing_home() -> Path:
    """$CHUJING_HOME, else ~/.local/share/chujing (the same place as the person key)."""
    home = os.environ.get("CHUJING_HOME")
    return Path(home) if home else Path.home() / ".local" / "share" / "chujing"


@dataclass
class WebSettings:
    home: Path = field(default_factory=chujing_home)
    ledger_url: str | None = None
    no_auth: bool = False
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    max_body_bytes: int = DEFAULT_MAX_BODY
    session_hours: float = 8.0
    secure_cookies: bool = False  # set when served behind HTTPS
    secret: bytes | None = None  # signs session cookies; read from home when None
    rulebook_dir: Path | None = None  # another rulebook than the bundled one (CHUJING_RULEBOOK)

    @classmethod
    def from_env(cls, **overrides) -> WebSettings:
        s = cls(ledger_url=os.environ.get("CHUJING_LEDGER") or None)
        if os.environ.get("CHUJING_RULEBOOK"):
            s.rulebook_dir = Path(os.environ["CHUJING_RULEBOOK"])
        if os.environ.get("CHUJING_MAX_UPLOAD"):
            s.max_upload_bytes = int(os.environ["CHUJING_MAX_UPLOAD"])
        for k, v in overrides.items():
            if v is not None:
                setattr(s, k, v)
        return s

    def to_env(self) -> str:
        """JSON for worker processes (the secret stays in its file or CHUJING_WEB_SECRET)."""
        import json

        return json.dumps({"home": str(self.home), "ledger_url": self.ledger_url,
                           "no_auth": self.no_auth, "max_upload_bytes": self.max_upload_bytes,
                           "max_body_bytes": self.max_body_bytes, "session_hours": self.session_hours,
                           "secure_cookies": self.secure_cookies,
                           "rulebook_dir": str(self.rulebook_dir) if self.rulebook_dir else None})

    @classmethod
    def from_env_json(cls, text: str) -> WebSettings:
        import json

        d = json.loads(text)
        d["home"] = Path(d["home"])
        d["rulebook_dir"] = Path(d["rulebook_dir"]) if d.get("rulebook_dir") else None
        return cls(**d)

    @property
    def db_path(self) -> Path:
        return self.home / "web.sqlite"

    @property
    def upload_dir(self) -> Path:
        return self.home / "uploads"
