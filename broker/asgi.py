"""ASGI entry point for uvicorn (``uvicorn --factory broker.asgi:app_factory``); settings from env."""

from __future__ import annotations

from fastapi import FastAPI

from broker.app import create_app
from broker.settings import BrokerSettings


def app_factory() -> FastAPI:
    return create_app(BrokerSettings.from_env())
