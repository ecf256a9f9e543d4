"""Rendering UI pages: the Jinja2 environment (autoescape on for every template), filters for times
and ages, what the viewer may do (their role under ``broker.auth``), and error pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from broker.auth import authenticate
from broker.clock import aware, now
from broker.context import RequestContext
from broker.errors import BrokerError
from broker.settings import BrokerSettings, Role
from broker.ui.links import UiLinks

STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}


def age(value: datetime | None, reference: datetime | None = None) -> str:
    """ "3 minutes ago", "2 days ago" ("" for no time)."""
    if value is None:
        return ""
    seconds = int(((reference or now()) - aware(value)).total_seconds())
    if seconds < 45:
        return "just now"
    for size, unit in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if seconds >= size:
            count = round(seconds / size) if size > 60 else max(1, seconds // 60)
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


def iso(value: datetime | None) -> str:
    return "" if value is None else aware(value).isoformat(timespec="seconds")


def when(value: datetime | None) -> str:
    return "" if value is None else aware(value).strftime("%Y-%m-%d %H:%M UTC")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("broker.ui", "templates"),
        autoescape=select_autoescape(["html", "svg"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["age"] = age
    env.filters["iso"] = iso
    env.filters["when"] = when
    env.filters["short_sha"] = lambda sha: (sha or "")[:8]
    return env


def viewer_role(request: Request, settings: BrokerSettings) -> Role | None:
    """The viewer's role: everyone is admin on an open broker; otherwise the role their credentials
    grant (``None`` for an anonymous reader of a public-read broker)."""
    if not settings.auth_enabled:
        return Role.ADMIN
    return authenticate(settings, request.headers.get("authorization"))


def page(
    request: Request,
    ctx: RequestContext,
    template: str,
    build: Callable[[UiLinks], Any],
    *,
    title: str,
    section: str,
) -> HTMLResponse:
    """Build a page's model and render it; a broker error (unknown name, bad query) becomes an HTML
    error page with the error's status."""
    links = UiLinks(ctx.urls)
    role = viewer_role(request, ctx.settings)
    common = {
        "links": links,
        "title": title,
        "section": section,
        "can_write": role is not None and role >= Role.WRITE,
        "role": role.name.lower() if role is not None else "anonymous",
        "sign_in_href": links.sign_in() if role is None else None,
    }
    try:
        model = build(links)
    except BrokerError as exc:
        body = (
            environment().get_template("error.html").render(**common, status=exc.status, message=exc.message)
        )
        return HTMLResponse(body, status_code=exc.status, headers=_headers())
    body = environment().get_template(template).render(**common, model=model)
    return HTMLResponse(body, headers=_headers())


def sign_in(request: Request, ctx: RequestContext) -> Response:
    """On a public-read broker the browser sends no credentials until asked: ask (401 with a Basic
    challenge) until it sends valid ones, then go back to the dashboard."""
    if viewer_role(request, ctx.settings) is None:
        return Response(
            "Sign in with your broker user name and password.",
            status_code=401,
            media_type="text/plain",
            headers={"WWW-Authenticate": 'Basic realm="Tether broker"', "Cache-Control": "no-store"},
        )
    return RedirectResponse(UiLinks(ctx.urls).dashboard(), status_code=303)


def _headers() -> dict[str, str]:
    return {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        "Referrer-Policy": "same-origin",
    }


@cache
def static_file(name: str) -> tuple[bytes, str] | None:
    """A file of ``broker/ui/static`` (only plain names with a known extension)."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in STATIC_TYPES:
        return None
    resource = resources.files("broker.ui").joinpath("static", name)
    if not resource.is_file():
        return None
    return resource.read_bytes(), STATIC_TYPES[suffix]
