"""Actual parts built from raw HTTP data have the shape of the pact parts of each spec version."""

from __future__ import annotations

import base64

from contracts.model import actual_message, actual_request, actual_response

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
    assert actual == {
        "method": "POST",
        "path": "/orders",
        "query": {"tag": ["a", "b"], "q": ["x y"]},
        "headers": {"Content-Type": "application/json", "Accept": "text/html, application/json"},
        "body": {"sku": "A-1", "qty": 2},
    }


def test_v2_request_keeps_the_query_string_and_leaves_out_empty_bodies() -> None:
    actual = actual_request(
        "GET", "/search", "b=2&a=1", {"Accept": "application/json"}, b"", spec_version="2"
    )
    assert actual == {
        "method": "GET",
        "path": "/search",
        "query": "b=2&a=1",
        "headers": {"Accept": "application/json"},
    }
    assert "query" not in actual_request("GET", "/", "", None, None, spec_version="2")


def test_v4_request_with_query_mapping_and_form_body() -> None:
    actual = actual_request(
        "PUT",
        "/form",
        {"page": "2", "tag": ["x", "y"]},
        {"Content-Type": "application/x-www-form-urlencoded", "X-Multi": ["1", "2"]},
        b"a=1&b=two",
    )
    assert actual == {
        "method": "PUT",
        "path": "/form",
        "query": {"page": ["2"], "tag": ["x", "y"]},
        "headers": {"Content-Type": "application/x-www-form-urlencoded", "X-Multi": ["1", "2"]},
        "body": {
            "content": "a=1&b=two",
            "contentType": "application/x-www-form-urlencoded",
            "encoded": False,
        },
    }


def test_v3_response_with_xml_and_text_bodies() -> None:
    xml = b'<?xml version="1.0"?><order id="7"/>'
    assert (
        actual_response(200, {"Content-Type": "application/xml"}, xml, spec_version="3")["body"]
        == xml.decode()
    )
    assert actual_response(200, {}, b"hello", spec_version="3")["body"] == "hello"
    assert actual_response(404, {}, None, spec_version="3") == {"status": 404, "headers": {}}


def test_v4_response_json_binary_and_content_type_override() -> None:
    json_response = actual_response(201, {"content-type": "application/hal+json"}, b'{"id": 1}')
    assert json_response["body"] == {
        "content": {"id": 1},
        "contentType": "application/hal+json",
        "encoded": False,
    }
    binary = actual_response(200, {"Content-Type": "image/png"}, PNG)
    assert binary["body"] == {
        "content": base64.b64encode(PNG).decode(),
        "contentType": "image/png",
        "encoded": "base64",
    }
    sniffed = actual_response(200, None, b"[1, 2]", "application/json", spec_version="3")
    assert sniffed["body"] == [1, 2]


def test_binary_body_in_a_v3_part_is_base64_text() -> None:
    body = actual_response(200, {"Content-Type": "application/pdf"}, PNG, spec_version="3")["body"]
    assert body == base64.b64encode(PNG).decode()


def test_messages() -> None:
    assert actual_message(
        b'{"id": 7}', {"contentType": "application/json", "topic": "t"}, spec_version="3"
    ) == {
        "metadata": {"contentType": "application/json", "topic": "t"},
        "contents": {"id": 7},
    }
    assert actual_message(b"ping", {}, "text/plain") == {
        "metadata": {},
        "contents": {"content": "ping", "contentType": "text/plain", "encoded": False},
    }
    assert actual_message(None) == {"metadata": {}}
