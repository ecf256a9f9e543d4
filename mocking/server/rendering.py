"""Responses with generated values: the pact's generators run for every request (consumer mode)."""

from __future__ import annotations

from typing import Any

from contracts import http_headers
from contracts.generators import generate_response
from contracts.model import Body
from contracts.pactwriter import dump_response
from mocking.server.interactions import MockInteraction, PreparedResponse, prepare_response


def _body_bytes(body: Any, interaction: MockInteraction) -> bytes:
    original = interaction.interaction.response.body
    if original is None:
        return b""
    if interaction.spec_version == "4" and isinstance(body, dict) and "content" in body:
        body = body["content"]
    if original.encoding == "json":
        return Body(body, original.content_type, "json").to_bytes()
    if isinstance(body, str):
        return body.encode("utf-8")
    return original.to_bytes()


def render_response(interaction: MockInteraction, base_url: str | None) -> PreparedResponse:
    """The interaction's response with its generators applied (a generator that fails keeps the example)."""
    expected = dump_response(interaction.interaction.response, interaction.spec_version)
    generated = generate_response(
        expected, interaction.spec_version, mode="consumer", mock_server_url=base_url
    )
    body = _body_bytes(generated.get("body"), interaction) if "body" in generated else b""
    headers = dict(generated.get("headers") or {})
    if body and not http_headers.has(headers, "content-type"):
        content_type = interaction.response.header("content-type")
        if content_type:
            headers["Content-Type"] = content_type
    return prepare_response(int(generated.get("status", interaction.response.status)), headers, body)
