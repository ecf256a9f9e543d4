"""Actual parts built from raw HTTP data are model objects, shaped as the parts of each spec version hold
them, and the compiled matchers take them as they are."""

from __future__ import annotations

from contracts.matching import compile_request, compile_response
from contracts.model import (
    Body,
    HttpRequest,
    HttpResponse,
    MessagePart,
    actual_message,
    actual_request,
    actual_response,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00"


def test_v3_request_with_json_body_and_repeated_headers() -> None:
    actual = actual_request(
        "post",
        "/orders",
        "tag=a&tag=b&q=x+y",
        [("Content-Type", "application/json"), ("Accept", "text/html"), ("Accept", "application/json")],
        b'{"sku": "A-1", "qty": 2}',
        spec_version="3",
    )
    assert actual == HttpRequest(
        method="POST",
        path="/orders",
        query={"tag": ["a", "b"], "q": ["x y"]},
        headers={"Content-Type": "application/json", "Accept": "text/html, application/json"},
        body=Body({"sku": "A-1", "qty": 2}, "application/json", "json"),
    )


def test_v2_request_keeps_the_query_string_and_leaves_out_empty_bodies() -> None:
    actual = actual_request(
        "GET", "/search", "b=2&a=1", {"Accept": "application/json"}, b"", spec_version="2"
    )
    assert actual == HttpRequest(
        method="GET",
        path="/search",
        query={"b": ["2"], "a": ["1"]},
        headers={"Accept": "application/json"},
        query_text="b=2&a=1",
    )
    assert actual_request("GET", "/", "", None, None, spec_version="2").query_text is None


def test_v4_request_with_query_mapping_and_form_body() -> None:
    actual = actual_request(
        "PUT",
        "/form",
        {"page": "2", "tag": ["x", "y"]},
        {"Content-Type": "application/x-www-form-urlencoded", "X-Multi": ["1", "2"]},
        b"a=1&b=two",
    )
    assert actual == HttpRequest(
        method="PUT",
        path="/form",
        query={"page": ["2"], "tag": ["x", "y"]},
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Multi": ["1", "2"]},
        body=Body("a=1&b=two", "application/x-www-form-urlencoded", "text"),
    )


def test_v3_response_with_xml_and_text_bodies() -> None:
    xml = b'<?xml version="1.0"?><order id="7"/>'
    response = actual_response(200, {"Content-Type": "application/xml"}, xml, spec_version="3")
    assert response.body == Body(xml.decode(), "application/xml", "text")
    assert actual_response(200, {}, b"hello", spec_version="3").body == Body("hello", "text/plain", "text")
    assert actual_response(404, {}, None, spec_version="3") == HttpResponse(status=404)


def test_v4_response_json_binary_and_content_type_override() -> None:
    json_response = actual_response(201, {"content-type": "application/hal+json"}, b'{"id": 1}')
    assert json_response.body == Body({"id": 1}, "application/hal+json", "json")
    binary = actual_response(200, {"Content-Type": "image/png"}, PNG)
    assert binary.body == Body(PNG, "image/png", "base64")
    sniffed = actual_response(200, None, b"[1, 2]", "application/json", spec_version="3")
    assert sniffed.body == Body([1, 2], "application/json", "json")


def test_messages() -> None:
    assert actual_message(
        b'{"id": 7}', {"contentType": "application/json", "topic": "t"}, spec_version="3"
    ) == MessagePart(
        contents=Body({"id": 7}, "application/json", "json"),
        metadata={"contentType": "application/json", "topic": "t"},
    )
    assert actual_message(b"ping", {}, "text/plain") == MessagePart(
        contents=Body("ping", "text/plain", "text")
    )
    assert actual_message(None) == MessagePart()


def test_the_compiled_matchers_take_actual_parts_built_from_bytes() -> None:
    expected = HttpRequest(
        method="POST",
        path="/orders",
        query={"dryRun": ["true"]},
        headers={"Content-Type": "application/json"},
        body=Body({"sku": "A-1"}),
    )
    compiled = compile_request(expected, "4")
    good = actual_request(
        "POST", "/orders", "dryRun=true", [("Content-Type", "application/json")], b'{"sku": "A-1"}'
    )
    assert compiled.match(good) == []
    bad = actual_request(
        "POST", "/orders", "dryRun=false", [("Content-Type", "application/json")], b'{"sku": "B-2"}'
    )
    assert [(m.kind.value, m.path, m.expected, m.actual) for m in compiled.match(bad)] == [
        ("query", "dryRun", "true", "false"),
        ("body", "$.sku", "A-1", "B-2"),
    ]
    response = compile_response(HttpResponse(status=200, body=Body(PNG, "image/png", "base64")), "3")
    assert response.match(actual_response(200, {"Content-Type": "image/png"}, PNG, spec_version="3")) == []
    assert [
        m.kind.value for m in response.match(actual_response(200, {"Content-Type": "image/png"}, b"x"))
    ] == ["body"]
