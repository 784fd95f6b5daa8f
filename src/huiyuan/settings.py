"""Configuration from the environment (HUIYUAN_*)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUIYUAN_", extra="ignore")

    database_url: str = "sqlite:///huiyuan.db"
    # Personal data key: base64 of 32 bytes, or a key file created on first use.
    secret_key: str | None = None
    key_file: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000


def get_settings() -> Settings:
    return Settings()
