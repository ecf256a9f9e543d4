"""What every route handler gets: settings, the database and the URL builder for this request."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from broker.db import Database
from broker.hal import Urls, base_url_for
from broker.settings import BrokerSettings


@dataclass(frozen=True)
class RequestContext:
    settings: BrokerSettings
    db: Database
    urls: Urls


def request_context(request: Request) -> RequestContext:
    settings: BrokerSettings = request.app.state.settings
    db: Database = request.app.state.db
    return RequestContext(settings=settings, db=db, urls=Urls(base_url_for(request, settings.base_urls)))
