"""Configuration read from environment variables (the README documents each one)."""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


# One table drives both loading and the README's configuration section.
SETTINGS: tuple[Setting, ...] = (
    Setting("APP_ENV", "development", "development, test or production; production refuses demo data and requires explicit keys"),
    Setting("DATABASE_URL", "sqlite:///<instance>/ssgk.db", "SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host:port/db"),
    Setting("MEDIA_ROOT", "<instance>/media", "where evidence files are stored"),
    Setting("SECRET_KEY", "generated per instance", "Flask secret"),
    Setting("JWT_KEYS", "generated per instance", 'JSON object {"key id": "secret"} of HS256 signing keys; all verify, the active one signs'),
    Setting("JWT_ACTIVE_KEY_ID", "first key", "key id that signs new access tokens (rotation: add a key, switch, later drop the old)"),
    Setting("JWT_ISSUER", "ssgk-inspection", "iss claim, checked on every request"),
    Setting("JWT_AUDIENCE", "ssgk-api", "aud claim, checked on every request"),
    Setting("ACCESS_TOKEN_TTL", "900", "access token lifetime in seconds"),
    Setting("REFRESH_TOKEN_TTL", "2592000", "refresh token lifetime in seconds (the app works offline this long)"),
    Setting("AUDIT_SIGNING_KEY", "generated per instance", "base64 raw Ed25519 private key that signs audit checkpoints"),
    Setting("AUDIT_RETIRED_PUBLIC_KEYS", "none", "comma-separated base64 Ed25519 public keys of retired audit signing keys; checkpoints they signed still verify (key rotation)"),
    Setting("AUDIT_ORIGIN", "taian-inspection/audit", "origin line of signed audit checkpoints"),
    Setting("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5", "failed logins per account within the window before it is throttled"),
    Setting("LOGIN_MAX_FAILURES_PER_ADDRESS", "20", "failed logins per client address within the window before it is throttled"),
    Setting("LOGIN_WINDOW_SECONDS", "900", "throttling window in seconds"),
    Setting("PASSWORD_SCRYPT_N", "16384", "scrypt cost (memory = 128 * N * 8 bytes); tests lower it"),
    Setting("MAX_CONTENT_LENGTH", "10485760", "largest request body in bytes outside resumable uploads"),
    Setting("LOG_LEVEL", "INFO", "log level of the JSON logs"),
    Setting("UPLOAD_MAX_IMAGE_BYTES", "26214400", "largest photo (JPEG, PNG, WebP) accepted as evidence, in bytes"),
    Setting("UPLOAD_MAX_AUDIO_BYTES", "104857600", "largest audio recording accepted as evidence, in bytes"),
    Setting("UPLOAD_MAX_VIDEO_BYTES", "524288000", "largest video accepted as evidence, in bytes"),
    Setting("UPLOAD_MAX_PDF_BYTES", "52428800", "largest PDF accepted as evidence, in bytes"),
    Setting("UPLOAD_MAX_CHUNK_BYTES", "8388608", "largest body of one resumable-upload PATCH, in bytes (a proxy in front must accept at least this)"),
    Setting("UPLOAD_CONCURRENCY", "2", "uploads doing their work at once per worker process; the rest wait, so other requests keep threads (backend/uploads/admission.py)"),
    Setting("UPLOAD_WAIT_SECONDS", "30", "an upload waiting this long for a slot is answered 503 with Retry-After"),
    Setting("UPLOAD_EXPIRY_SECONDS", "604800", "an unfinished upload untouched this long expires and its partial file is removed"),
    Setting("DIRECTORY_CONFIRMATION_MAX_AGE_DAYS", "30", "a draw needs directory confirmations at most this many days old (R2.2)"),
    Setting("DRAW_RECHECK_EXCLUSION_DAYS", "365", "a draw leaves out entities assigned for one of the same items in a task whose window ended within this many days before its own"),
    Setting("DIRECTORY_IMPORT_DIR", "<MEDIA_ROOT>/imports", "where directory import files and their error reports are kept"),
    Setting("DIRECTORY_IMPORT_MAX_BYTES", "536870912", "largest directory import file accepted through the API, in bytes"),
    Setting("DIRECTORY_IMPORT_INLINE_BYTES", "2097152", "import files up to this size are imported within the request; larger ones in a background thread"),
    Setting("DIRECTORY_IMPORT_STALE_SECONDS", "900", "a running import job without a heartbeat this long is marked failed (its process died)"),
)


def _public_keys(env: Mapping[str, str], name: str) -> list[str]:
    """Base64 Ed25519 public keys, checked now so a typo stops the start, not a later verification."""
    from backend.audit.checkpoint import load_public_key

    keys = [k.strip() for k in env.get(name, "").split(",") if k.strip()]
    for k in keys:
        try:
            load_public_key(k)
        except ValueError as exc:
            raise RuntimeError(f"{name}: {k!r} is not a base64 raw Ed25519 public key ({exc})") from exc
    return keys


def _instance_secrets(instance_path: Path) -> dict[str, Any]:
    """Development keys persisted in the instance folder so restarts keep sessions and signatures valid."""
    path = instance_path / "keys.json"
    if path.exists():
        return json.loads(path.read_text("utf-8"))
    from backend.audit.checkpoint import generate_private_key_b64

    data = {
        "SECRET_KEY": secrets.token_hex(32),
        "JWT_KEYS": {"dev-1": secrets.token_urlsafe(48)},
        "AUDIT_SIGNING_KEY": generate_private_key_b64(),
    }
    instance_path.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), "utf-8")
    path.chmod(0o600)
    return data


def load_config(instance_path: Path, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from the environment."""
    env = os.environ if env is None else env
    app_env = env.get("APP_ENV", "development")
    if app_env not in {"development", "test", "production"}:
        raise RuntimeError(f"APP_ENV must be development, test or production, got {app_env!r}")
    explicit = {k: env[k] for k in ("SECRET_KEY", "JWT_KEYS", "AUDIT_SIGNING_KEY") if env.get(k)}
    if app_env == "production":
        missing = {"SECRET_KEY", "JWT_KEYS", "AUDIT_SIGNING_KEY"} - explicit.keys()
        if missing:
            raise RuntimeError(f"production requires explicit {', '.join(sorted(missing))}")
        generated: dict[str, Any] = {}
    else:
        generated = _instance_secrets(instance_path) if len(explicit) < 3 else {}
    jwt_keys = json.loads(explicit["JWT_KEYS"]) if "JWT_KEYS" in explicit else generated["JWT_KEYS"]
    if not isinstance(jwt_keys, dict) or not jwt_keys:
        raise RuntimeError("JWT_KEYS must be a non-empty JSON object of key id to secret")
    return {
        "APP_ENV": app_env,
        "TESTING": app_env == "test",
        "SQLALCHEMY_DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'ssgk.db'}",
        "MEDIA_ROOT": env.get("MEDIA_ROOT") or str(instance_path / "media"),
        "SECRET_KEY": explicit.get("SECRET_KEY") or generated["SECRET_KEY"],
        "JWT_KEYS": jwt_keys,
        "JWT_ACTIVE_KEY_ID": env.get("JWT_ACTIVE_KEY_ID") or next(iter(jwt_keys)),
        "JWT_ISSUER": env.get("JWT_ISSUER", "ssgk-inspection"),
        "JWT_AUDIENCE": env.get("JWT_AUDIENCE", "ssgk-api"),
        "ACCESS_TOKEN_TTL": _int(env, "ACCESS_TOKEN_TTL", 900),
        "REFRESH_TOKEN_TTL": _int(env, "REFRESH_TOKEN_TTL", 30 * 24 * 3600),
        "AUDIT_SIGNING_KEY": explicit.get("AUDIT_SIGNING_KEY") or generated["AUDIT_SIGNING_KEY"],
        "AUDIT_RETIRED_PUBLIC_KEYS": _public_keys(env, "AUDIT_RETIRED_PUBLIC_KEYS"),
        "AUDIT_ORIGIN": env.get("AUDIT_ORIGIN", "taian-inspection/audit"),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int(env, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _int(env, "LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
        "LOGIN_WINDOW_SECONDS": _int(env, "LOGIN_WINDOW_SECONDS", 900),
        "PASSWORD_SCRYPT_N": _int(env, "PASSWORD_SCRYPT_N", 2**14),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 10 * 1024 * 1024),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "UPLOAD_MAX_IMAGE_BYTES": _int(env, "UPLOAD_MAX_IMAGE_BYTES", 25 * 1024 * 1024),
        "UPLOAD_MAX_AUDIO_BYTES": _int(env, "UPLOAD_MAX_AUDIO_BYTES", 100 * 1024 * 1024),
        "UPLOAD_MAX_VIDEO_BYTES": _int(env, "UPLOAD_MAX_VIDEO_BYTES", 500 * 1024 * 1024),
        "UPLOAD_MAX_PDF_BYTES": _int(env, "UPLOAD_MAX_PDF_BYTES", 50 * 1024 * 1024),
        "UPLOAD_MAX_CHUNK_BYTES": _int(env, "UPLOAD_MAX_CHUNK_BYTES", 8 * 1024 * 1024),
        "UPLOAD_EXPIRY_SECONDS": _int(env, "UPLOAD_EXPIRY_SECONDS", 7 * 24 * 3600),
        "UPLOAD_CONCURRENCY": max(1, _int(env, "UPLOAD_CONCURRENCY", 2)),
        "UPLOAD_WAIT_SECONDS": _int(env, "UPLOAD_WAIT_SECONDS", 30),
        "DIRECTORY_CONFIRMATION_MAX_AGE_DAYS": _int(env, "DIRECTORY_CONFIRMATION_MAX_AGE_DAYS", 30),
        "DRAW_RECHECK_EXCLUSION_DAYS": _int(env, "DRAW_RECHECK_EXCLUSION_DAYS", 365),
        "DIRECTORY_IMPORT_DIR": env.get("DIRECTORY_IMPORT_DIR") or None,  # None: <MEDIA_ROOT>/imports
        "DIRECTORY_IMPORT_MAX_BYTES": _int(env, "DIRECTORY_IMPORT_MAX_BYTES", 512 * 1024 * 1024),
        "DIRECTORY_IMPORT_INLINE_BYTES": _int(env, "DIRECTORY_IMPORT_INLINE_BYTES", 2 * 1024 * 1024),
        "DIRECTORY_IMPORT_STALE_SECONDS": _int(env, "DIRECTORY_IMPORT_STALE_SECONDS", 900),
        # bench/sync.py only: registers the raw-upload baseline endpoint (backend/field/bench.py)
        "BENCH_ENDPOINTS": env.get("SSGK_BENCH") == "1",
    }
