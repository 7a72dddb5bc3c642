"""Sandbox settings: credentials, timings, limits (env prefix ``SANDBOX_``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Fields ``POST /_sandbox/config`` may change on a running sandbox.
LIVE_FIELDS = frozenset(
    {
        "job_seconds",
        "token_ttl_seconds",
        "max_concurrent_jobs",
        "latency_seconds",
        "part_latency",
        "send_webhooks",
        "management_latency_seconds",
        "callscore_lag_seconds",
    }
)


class SandboxConfig(BaseSettings):
    """How the emulated Symbl account behaves; every timing can be shortened for tests."""

    model_config = SettingsConfigDict(env_prefix="SANDBOX_", extra="ignore")

    app_id: str = "sandbox-app-id"
    app_secret: str = "sandbox-app-secret"
    extra_credentials: dict[str, str] = Field(default_factory=dict, description="more appId -> appSecret pairs")
    token_ttl_seconds: float = Field(86400, gt=0, description="expiresIn of a new token")
    job_seconds: float = Field(5.0, ge=0, description="total duration of one job")
    max_concurrent_jobs: int = Field(50, ge=0, description="scheduled|in_progress jobs per appId before 429")
    latency_seconds: float = Field(0.0, ge=0, description="added delay on every Conversation API read")
    part_latency: dict[str, float] = Field(
        default_factory=dict, description='per-part delay overriding latency_seconds, e.g. {"messages": 0.2}'
    )
    send_webhooks: bool = True
    management_latency_seconds: float = Field(
        0.05, ge=0, description="how long each Management API call holds the account's single call slot"
    )

    callscore_lag_seconds: float = Field(
        2.0, ge=0, description="how long after its job completes a Call Score becomes ready"
    )
    nebula_api_key: str = Field("sandbox-nebula-key", description="the ApiKey header the emulated Nebula accepts")
    state_file: str = Field(
        "", description="JSON file the account state is kept in across restarts (persistence.py); empty: memory only"
    )

    def credentials(self) -> dict[str, str]:
        """Return every accepted appId -> appSecret pair."""
        return {**self.extra_credentials, self.app_id: self.app_secret}

    def public(self) -> dict[str, Any]:
        """Return the config as JSON without any secret."""
        data = self.model_dump(exclude={"app_secret", "extra_credentials", "nebula_api_key"})
        data["extra_app_ids"] = sorted(self.extra_credentials)
        return data

    def updated(self, changes: dict[str, Any]) -> SandboxConfig:
        """Return a validated copy with ``changes`` (only live fields) applied."""
        unknown = set(changes) - LIVE_FIELDS
        if unknown:
            raise ValueError(f"not changeable at runtime: {', '.join(sorted(unknown))}")
        return SandboxConfig.model_validate({**self.model_dump(), **changes})
