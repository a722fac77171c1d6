"""Reading Supportal's settings from the environment (see INTERFACES.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def data_dir() -> Path:
    """The folder for the embedded database, job queue, uploads and the generated secret key."""
    path = Path(env_str("SUPPORTAL_DATA_DIR", "./.supportal")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """SUPPORTAL_SECRET_KEY, or a key generated once into the data dir and reused on every start."""
    configured = env_str("SUPPORTAL_SECRET_KEY")
    if configured:
        return configured
    key_file = folder / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def email_settings(url: str) -> dict[str, Any]:
    """Translate EMAIL_URL (`smtp://user:pass@host:port`, `smtps://...`, `console:`) to Django settings.

    The returned EMAIL_DELIVERY_BACKEND is what the outbox worker finally sends through.
    """
    if url in {"", "console:", "console://"}:
        return {"EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url in {"locmem:", "locmem://"}:
        return {"EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps", "smtp+tls"}:
        raise ValueError(
            f"EMAIL_URL must start with smtp://, smtps://, smtp+tls:// or be console: (got {url!r})"
        )
    return {
        "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "127.0.0.1",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": parts.username or "",
        "EMAIL_HOST_PASSWORD": parts.password or "",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_TIMEOUT": 30,
    }
