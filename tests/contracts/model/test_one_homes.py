"""The one home of each piece of HTTP and pact vocabulary: spec versions, media types, header folding and
query strings, as the model, the matcher, the mock server and the load runtime all use them."""

from __future__ import annotations

import pytest

from contracts import http_headers
from contracts.errors import ContractError
from contracts.matching.parts import fold_headers, request_query
from contracts.media_types import (
    charset,
    is_json_content_type,
    is_text_content_type,
    is_xml_content_type,
    media_type,
    metadata_content_type,
    sniff_content_type,
)
from contracts.model import HttpRequest
from contracts.querystrings import (
    format_query_pairs,
    format_query_string,
    parse_query,
    parse_query_string,
    query_pairs,
)
from contracts.spec_versions import normalise_spec_version, spec_at_least, spec_version


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("1.0.0", "1"),
        ("1.1.0", "1.1"),
        ("2.0.0", "2"),
        ("3.0.0", "3"),
        ("4.0", "4"),
        ("V3", "3"),
        ("v4", "4"),
        (3, "3"),
        ("1.1", "1.1"),
        ("3.0.1", "3"),
    ],
)
def test_spec_version_spellings(written: object, normalised: str) -> None:
    assert normalise_spec_version(written) == normalised
    assert spec_version(written) == normalised


@pytest.mark.parametrize("written", ["5.0.0", "3.1.0", "latest", None, True, ""])
def test_unknown_spec_versions_name_the_accepted_ones(written: object) -> None:
    assert normalise_spec_version(written) is None
    with pytest.raises(
        ContractError, match=r"unknown pact specification version .*use one of 1, 1\.1, 2, 3, 4"
    ):
        spec_version(written)


def test_spec_versions_are_ordered() -> None:
    assert spec_at_least("3", "3")
    assert spec_at_least("4", "1.1")
    assert not spec_at_least("2", "3")


def test_media_type_classification() -> None:
    assert media_type("Application/JSON; charset=UTF-8") == "application/json"
    assert charset("text/plain; charset=latin-1") == "latin-1"
    assert charset("text/plain") == "utf-8"
    assert is_json_content_type("application/hal+json")
    assert is_json_content_type("application/json")
    assert is_xml_content_type("text/xml")
    assert is_xml_content_type("application/atom+xml")
    assert is_text_content_type("application/x-www-form-urlencoded")
    assert is_text_content_type("text/csv")
    assert not is_text_content_type("image/png")
    assert not is_text_content_type(None)
    assert metadata_content_type({"topic": "t", "Content-Type": "application/json"}) == "application/json"
    assert metadata_content_type({"topic": "t"}) is None
    assert sniff_content_type(b'{"a": 1}') == "application/json"
    assert sniff_content_type(b"<?xml version='1.0'?><a/>") == "application/xml"
    assert sniff_content_type(b"\x89PNG\xff") == "application/octet-stream"


def test_header_folding() -> None:
    pairs = [("Accept", "text/html, application/json"), ("X-Trace", "a, b"), ("accept", "text/plain")]
    collected = http_headers.collect(pairs)
    assert collected == {
        "Accept": ["text/html, application/json"],
        "X-Trace": ["a, b"],
        "accept": ["text/plain"],
    }
    assert http_headers.find(collected, "x-trace") == "a, b"
    assert http_headers.has({"Content-Type": "x"}, "content-type")
    folded = fold_headers(
        {"Accept": "text/html, application/json", "X-Trace": "a, b", "accept": ["text/plain"]}
    )
    assert folded == {
        "accept": ("Accept", ["text/html", "application/json", "text/plain"]),
        "x-trace": ("X-Trace", ["a, b"]),
    }


def test_query_strings() -> None:
    text = "a=1&flag&b=x+y&a=%26&&empty="
    assert parse_query(text) == {"a": ["1", "&"], "flag": [None], "b": ["x y"], "empty": [""]}
    assert parse_query_string(text) == {"a": ["1", "&"], "flag": [""], "b": ["x y"], "empty": [""]}
    assert query_pairs("a=1&b=2&a=3") == [("a", "1"), ("b", "2"), ("a", "3")]
    assert format_query_pairs([("a", "1 2"), ("b", None)]) == "a=1%202&b"
    assert parse_query(format_query_string(parse_query(text))) == parse_query(text)
    # the matcher reads a V1/V2 query string as written (bare names have no value), a V3+ map as it is
    assert request_query(HttpRequest(query={"flag": [""]}, query_text="flag")) == {"flag": [None]}
    assert request_query(HttpRequest(query={"a": ["1"]})) == {"a": ["1"]}
