"""Settings from environment variables (pydantic-settings). The README's configuration table
lists every one of them; keep the two in step."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_WEBHOOK_SECRET_CHARS = 32

CommaList = Annotated[list[str], NoDecode]


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Everything the facade can be configured with. Tests build one directly."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    # Symbl (live mode when symbl_app_id is set)
    symbl_app_id: str = Field("", alias="SYMBL_APP_ID")
    symbl_app_secret: SecretStr = Field(SecretStr(""), alias="SYMBL_APP_SECRET")
    symbl_base_url: str = Field("https://api.symbl.ai", alias="SYMBL_BASE_URL")
    symbl_connect_timeout: float = Field(5.0, alias="SYMBL_CONNECT_TIMEOUT_SECONDS")
    symbl_read_timeout: float = Field(30.0, alias="SYMBL_READ_TIMEOUT_SECONDS")
    max_concurrent_jobs: int = Field(0, alias="SYMBL_MAX_CONCURRENT_JOBS", ge=0)
    """Jobs in flight at Symbl per Symbl credential, across all workers and instances (0: unlimited)."""

    # Nebula, Symbl's LLM (the ask feature); in sandbox mode both default to the sandbox
    nebula_api_key: SecretStr = Field(SecretStr(""), alias="NEBULA_API_KEY")
    nebula_base_url: str = Field("", alias="NEBULA_BASE_URL")
    ask_transcript_max_chars: int = Field(60000, alias="CONNECTOR_ASK_TRANSCRIPT_MAX_CHARS", ge=500)
    """The transcript sent to Nebula is cut to this many characters (its context window is undocumented)."""

    # the facade
    api_keys: CommaList = Field(default_factory=list, alias="CONNECTOR_API_KEYS")
    admin_keys: CommaList = Field(default_factory=list, alias="CONNECTOR_ADMIN_KEYS")
    """Keys that may call everything a plain key can, and manage the account-wide saved trackers."""
    max_wait_seconds: float = Field(300.0, alias="CONNECTOR_MAX_WAIT_SECONDS", gt=0)
    default_wait_seconds: float = Field(20.0, alias="CONNECTOR_DEFAULT_WAIT_SECONDS", ge=0)
    max_body_bytes: int = Field(5 * 1024 * 1024, alias="CONNECTOR_MAX_BODY_BYTES", gt=0)
    max_upload_bytes: int = Field(2 * 1024 * 1024 * 1024, alias="CONNECTOR_MAX_UPLOAD_BYTES", gt=0)
    transcript_max_chars: int = Field(20000, alias="CONNECTOR_TRANSCRIPT_MAX_CHARS", ge=0)
    store_url: str = Field("sqlite:///data/connector.db", alias="CONNECTOR_STORE_URL")
    public_url: str = Field("", alias="CONNECTOR_PUBLIC_URL")
    webhook_secret: SecretStr = Field(SecretStr(""), alias="CONNECTOR_WEBHOOK_SECRET")
    callback_secret: SecretStr = Field(SecretStr(""), alias="CONNECTOR_CALLBACK_SECRET")
    callback_allowlist: CommaList = Field(default_factory=list, alias="CONNECTOR_CALLBACK_ALLOWLIST")
    callback_retry_hours: float = Field(26.0, alias="CONNECTOR_CALLBACK_RETRY_HOURS", gt=0)
    callback_first_retry_seconds: float = Field(10.0, alias="CONNECTOR_CALLBACK_FIRST_RETRY_SECONDS", gt=0)
    poll_min_seconds: float = Field(1.0, alias="CONNECTOR_POLL_MIN_SECONDS", gt=0)
    poll_max_seconds: float = Field(60.0, alias="CONNECTOR_POLL_MAX_SECONDS", gt=0)
    rate_limit: str = Field("600/minute", alias="CONNECTOR_RATE_LIMIT")
    auth_failure_limit: str = Field("20/minute", alias="CONNECTOR_AUTH_FAILURE_LIMIT")
    """Failed authentications per client address (flask-limiter syntax), shared through the store."""
    max_waits_per_key: int = Field(0, alias="CONNECTOR_MAX_WAITS_PER_KEY", ge=0)
    """Waiting requests one API key may hold in one instance (0: half of workers x worker connections)."""
    encryption_key: SecretStr = Field(SecretStr(""), alias="CONNECTOR_ENCRYPTION_KEY")
    """Comma-separated Fernet keys: the first encrypts, all decrypt (rotation)."""
    background: bool = Field(True, alias="CONNECTOR_BACKGROUND")
    log_level: str = Field("INFO", alias="CONNECTOR_LOG_LEVEL")

    # production server (connector serve)
    workers: int = Field(2, alias="CONNECTOR_WORKERS", ge=1)
    worker_connections: int = Field(2000, alias="CONNECTOR_WORKER_CONNECTIONS", ge=1)

    _split = field_validator("api_keys", "admin_keys", "callback_allowlist", mode="before")(_split_commas)

    @field_validator("webhook_secret")
    @classmethod
    def _long_webhook_secret(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and len(value.get_secret_value()) < MIN_WEBHOOK_SECRET_CHARS:
            raise ValueError(
                f"CONNECTOR_WEBHOOK_SECRET must be at least {MIN_WEBHOOK_SECRET_CHARS} characters "
                "(it is the unguessable part of the webhook URL); leave it empty to have one generated."
            )
        return value

    @property
    def waits_per_key_per_worker(self) -> int:
        """The waiting requests one key may hold in one worker: CONNECTOR_MAX_WAITS_PER_KEY (default
        half of workers x worker connections) shared evenly by the workers, at least 1."""
        total = self.max_waits_per_key or self.workers * self.worker_connections // 2
        return max(1, -(-total // self.workers))

    @property
    def sandbox(self) -> bool:
        """True when no Symbl credentials are configured: the embedded sandbox is used."""
        return not self.symbl_app_id

    @cached_property
    def base_url(self) -> str:
        return self.symbl_base_url.rstrip("/")

    @cached_property
    def nebula_url(self) -> str:
        """Nebula's base URL: NEBULA_BASE_URL, else the sandbox (sandbox mode) or Symbl's Nebula host."""
        if self.nebula_base_url:
            return self.nebula_base_url.rstrip("/")
        return self.base_url if self.sandbox else "https://api-nebula.symbl.ai"
