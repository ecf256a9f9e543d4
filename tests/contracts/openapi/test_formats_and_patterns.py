"""String formats (every one ajv-formats knows) and `pattern`s with ECMAScript semantics.

Each sample's verdict is written down here, and the same samples are run through ajv 8 + ajv-formats 3
(what the comparator bundles) to prove the written verdicts are ajv's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import regress

from contracts.openapi.document import OpenAPIError
from contracts.openapi.ecmaregex import InvalidPattern, compile_pattern, pattern_search
from contracts.openapi.formats import FORMAT_NAMES
from contracts.openapi.run import check_documents
from contracts.openapi.schemas import FORMAT_CHECKER
from tests.support import need

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE.parents[2] / ".cache" / "npm-tools" / "node_modules"

AJV_FORMATS = {
    "date", "time", "date-time", "iso-time", "iso-date-time", "duration", "uri", "uri-reference",
    "uri-template", "url", "email", "hostname", "ipv4", "ipv6", "regex", "uuid", "json-pointer",
    "json-pointer-uri-fragment", "relative-json-pointer", "byte", "int32", "int64", "float", "double",
    "password", "binary",
}  # fmt: skip

# (format, value, valid?)
FORMAT_SAMPLES: list[tuple[str, Any, bool]] = [
    ("date", "2024-02-29", True),
    ("date", "2023-02-29", False),
    ("date", "2024-1-01", False),
    ("date", "2024-01-01\n", False),
    ("date", "٢٠٢٤-01-01", False),  # Arabic-Indic digits: \d is ASCII in ECMAScript
    ("time", "12:30:00Z", True),
    ("time", "12:30:00.123+02:00", True),
    ("time", "12:30:00", False),  # `time` needs a time zone
    ("time", "23:59:60Z", True),  # leap second
    ("time", "24:00:00Z", False),
    ("date-time", "2024-01-01T12:30:00Z", True),
    ("date-time", "2024-01-01 12:30:00+01:00", True),
    ("date-time", "2024-01-01T12:30:00", False),
    ("iso-time", "12:30:00", True),
    ("iso-time", "12:30:61", False),
    ("iso-date-time", "2024-01-01T12:30:00", True),
    ("iso-date-time", "2024-13-01T12:30:00", False),
    ("duration", "P3Y6M4DT12H30M5S", True),
    ("duration", "PT36H", True),
    ("duration", "P4W", True),
    ("duration", "P", False),
    ("duration", "PT", False),
    ("duration", "3 days", False),
    ("uri", "https://example.com/a?b=c#d", True),
    ("uri", "urn:isbn:0451450523", True),
    ("uri", "/relative/path", False),
    ("uri", "not a uri", False),
    ("uri-reference", "/relative/path?x=1", True),
    ("uri-reference", "#fragment", True),
    ("uri-reference", "https://example.com", True),
    ("uri-reference", "a b", False),
    ("uri-template", "https://example.com/{id}/items{?page,size}", True),
    ("uri-template", "https://example.com/{id", False),
    ("url", "https://example.com/path", True),
    ("url", "ftp://files.example.org", True),
    ("url", "mailto:a@example.com", False),
    ("url", "https://localhost", False),
    ("email", "someone@example.com", True),
    ("email", "someone@", False),
    ("hostname", "api.example.com", True),
    ("hostname", "-bad.example.com", False),
    ("ipv4", "192.168.0.1", True),
    ("ipv4", "192.168.0.256", False),
    ("ipv4", "01.2.3.4", False),
    ("ipv6", "2001:db8::1", True),
    ("ipv6", "2001:db8:::1", False),
    ("regex", "^[a-z]+(?<tail>\\d)$", True),
    ("regex", "abc\\Z", False),
    ("regex", "(?P<name>a)", False),
    ("regex", "[", False),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000", True),
    ("uuid", "123e4567e89b12d3a456426614174000", False),
    ("json-pointer", "/a/b~1c/0", True),
    ("json-pointer", "", True),
    ("json-pointer", "a/b", False),
    ("json-pointer", "/a~2", False),
    ("json-pointer-uri-fragment", "#/a/b", True),
    ("json-pointer-uri-fragment", "/a/b", False),
    ("relative-json-pointer", "1/a", True),
    ("relative-json-pointer", "0#", True),
    ("relative-json-pointer", "/a", False),
    ("relative-json-pointer", "01/a", False),
    ("byte", "aGVsbG8=", True),
    ("byte", "aGVsbG8", False),
    ("int32", 2147483647, True),
    ("int32", 2147483648, False),
    ("int32", 1.5, False),
    ("int64", 9007199254740991, True),
    ("int64", 2.5, False),
    ("float", 1.5, True),
    ("double", 1e300, True),
    ("password", "anything", True),
    ("binary", "anything", True),
    ("no-such-format", "anything", True),
]

# (pattern, value, matches?) with ajv's `u`-flag ECMAScript semantics
PATTERN_SAMPLES: list[tuple[str, str, bool]] = [
    ("^\\d+$", "123", True),
    ("^\\d+$", "١٢٣", False),  # \d is [0-9] in ECMAScript, Unicode digits in Python
    ("^abc$", "abc\n", False),  # $ does not match before a trailing newline in ECMAScript
    ("^\\w+$", "héllo", False),  # \w is ASCII in ECMAScript
    ("^\\u{1F600}$", "\U0001f600", True),  # code point escapes (u flag)
    ("^.$", "\U0001f600", True),  # `.` is one code point with the u flag
    ("^(?<year>\\d{4})-\\k<year>$", "2024-2024", True),  # named groups and back references
    ("^\\p{Lu}+$", "ÀB", True),  # Unicode property escapes
    ("[a-z]", "ABCd", True),  # unanchored: a match anywhere
    ("^[^\\s]+$", "a\u00a0b", False),  # \s includes NBSP
]


def test_every_ajv_format_is_known() -> None:
    assert set(FORMAT_NAMES) == AJV_FORMATS


@pytest.mark.parametrize(("fmt", "value", "valid"), FORMAT_SAMPLES)
def test_format_verdicts(fmt: str, value: Any, valid: bool) -> None:
    assert FORMAT_CHECKER.conforms(value, fmt) is valid


@pytest.mark.parametrize(("pattern", "value", "matches"), PATTERN_SAMPLES)
def test_patterns_are_ecmascript(pattern: str, value: str, matches: bool) -> None:
    assert pattern_search(pattern, value) is matches


def test_python_only_pattern_is_an_error_naming_the_fix() -> None:
    with pytest.raises(InvalidPattern, match=r"\(\?P<.*not an ECMAScript regular expression.*\(\?<name>"):
        compile_pattern("^(?P<id>\\d+)$")


def test_annex_b_pattern_runs_without_the_u_flag() -> None:
    """`[\\w-.]` is refused with the u flag but browsers (and so specs written for them) accept it."""
    assert pattern_search("^[\\w-.]+$", "a-b.c")
    assert not pattern_search("^[\\w-.]+$", "a b")


def _spec(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/s": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": schema}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


def _pact(body: Any) -> dict[str, Any]:
    return {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": [
            {
                "description": "post",
                "request": {
                    "method": "POST",
                    "path": "/s",
                    "headers": {"Content-Type": "application/json"},
                    "body": body,
                },
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def test_pattern_in_a_body_is_ecmascript_and_reported() -> None:
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^\\d{3}$"}}}
    ok = check_documents(_spec(schema), [_pact({"code": "123"})])
    assert [f.code for f in ok.findings] == []
    bad = check_documents(_spec(schema), [_pact({"code": "١٢٣"})])
    assert [(f.code, f.to_json()["message"]) for f in bad.findings] == [
        (
            "request.body.incompatible",
            "Request body is incompatible with the request body schema in the spec file: "
            'must match pattern "^\\d{3}$"',
        )
    ]


def test_duration_format_in_a_body() -> None:
    schema = {"type": "object", "properties": {"ttl": {"type": "string", "format": "duration"}}}
    assert check_documents(_spec(schema), [_pact({"ttl": "PT5M"})]).findings == []
    bad = check_documents(_spec(schema), [_pact({"ttl": "5 minutes"})])
    assert [f.to_json()["message"] for f in bad.findings] == [
        'Request body is incompatible with the request body schema in the spec file: must match format "duration"'
    ]


def test_invalid_pattern_in_the_spec_is_an_openapi_error() -> None:
    schema = {"type": "object", "properties": {"id": {"type": "string", "pattern": "^(?P<id>x)$"}}}
    with pytest.raises(OpenAPIError, match=r"pattern '\^\(\?P<id>x\)\$' is not an ECMAScript") as caught:
        check_documents(_spec(schema), [_pact({"id": "x"})])
    assert "requestBody" in caught.value.location


@pytest.mark.npm
def test_verdicts_are_ajv_formats_verdicts() -> None:
    need(shutil.which("node") is not None, "node is not installed")
    need((NODE_MODULES / "ajv-formats").is_dir(), f"{NODE_MODULES} has no ajv-formats: run `make npm-tools`")
    request = {
        "formats": [[fmt, value] for fmt, value, _ in FORMAT_SAMPLES],
        "patterns": [[pattern, value] for pattern, value, _ in PATTERN_SAMPLES],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(request, handle)
    try:
        completed = subprocess.run(
            ["node", str(HERE / "ajv_formats_oracle.cjs"), str(NODE_MODULES), handle.name],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
        )
    finally:
        Path(handle.name).unlink()
    ajv = json.loads(completed.stdout)
    ours_formats = [valid for _, _, valid in FORMAT_SAMPLES]
    differing = [s for s, theirs in zip(FORMAT_SAMPLES, ajv["formats"], strict=True) if s[2] != theirs]
    assert differing == [], "these written verdicts are not ajv's"
    assert len(ours_formats) == len(ajv["formats"])
    differing_patterns = [
        s for s, theirs in zip(PATTERN_SAMPLES, ajv["patterns"], strict=True) if s[2] != theirs
    ]
    assert differing_patterns == []


def test_regress_is_the_engine() -> None:
    assert isinstance(compile_pattern("^a$"), regress.Regex)


def test_lone_surrogates_are_matched_not_crashed_on() -> None:
    """JSON allows a lone surrogate escape ("\\udb87"); the engine sees it as U+FFFD instead of failing."""
    assert pattern_search("^.$", "\udb87")
    assert not pattern_search("^a", "\udb87")
    assert FORMAT_CHECKER.conforms("\udb87", "email") is False
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^\\d+$"}}}
    report = check_documents(_spec(schema), [_pact({"code": "\udb87"})])
    assert [f.code for f in report.findings] == ["request.body.incompatible"]
