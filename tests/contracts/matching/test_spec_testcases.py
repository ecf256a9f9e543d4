"""Every Pact specification test case (803, V1-V4) run against contracts.matching.

The verdict must agree: `match: true` <=> no mismatches. For `match: false` cases the mismatches must be
well-formed and about the part the case is filed under (a `headers` case reports a header mismatch).

Where pact-reference (the Rust core) deliberately changed a case (its copies are in
`_variants-pact-reference/`), Tether follows the reference: the case runs with the reference's data and
verdict, and its id ends in `[pact-reference]`. `test_spec_flavour_of_reference_variants` runs the
original spec data of those cases as well and lists, with reasons, the ones where we side with the
reference against the written spec.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from contracts.matching import (
    compile_message,
    compile_request,
    compile_response,
    match_message,
    match_request,
    match_response,
)
from contracts.mismatches import Mismatch, MismatchKind
from contracts.pact_parts import parse_message_part, parse_request, parse_response
from tests.support import SHARED, need

CASES = SHARED / "pact-spec-testcases"
VARIANTS = CASES / "_variants-pact-reference"

Matcher = Callable[[Mapping[str, Any], Mapping[str, Any], str], list[Mismatch]]
MATCHERS: dict[str, Matcher] = {
    "request": match_request,
    "response": match_response,
    "message": match_message,
}
# The compiled form takes model parts: the case's dicts are read into the model first.
READERS: dict[str, Callable[[Mapping[str, Any], str], Any]] = {
    "request": parse_request,
    "response": parse_response,
    "message": parse_message_part,
}
COMPILERS: dict[str, Callable[[Any, str], Any]] = {
    "request": compile_request,
    "response": compile_response,
    "message": compile_message,
}

# Which mismatch kinds a failing case filed under <kind>/<part>/ must report.
PART_KINDS = {
    "body": {MismatchKind.BODY, MismatchKind.BODY_TYPE},
    "headers": {MismatchKind.HEADER},
    "method": {MismatchKind.METHOD},
    "path": {MismatchKind.PATH},
    "query": {MismatchKind.QUERY},
    "status": {MismatchKind.STATUS},
}

# Spec cases whose written verdict Tether does not reproduce, because it follows pact-reference.
SPEC_DEVIATIONS = {
    "v1/request/query/different param order.json": "V1 query strings are compared as parameter maps "
    "(order-insensitive), as pact-reference and pact-jvm do",
    "v1/request/query/trailing amperand.json": "V1 query strings are parsed into parameters, so a trailing "
    "'&' is an empty segment that is dropped (pact-reference)",
    "v2/request/body/matches with regex xml.json": "a regex rule on an XML element path tests the element "
    "name; element text needs a ['#text'] path (pact-reference)",
    "v3/request/body/matches with regex xml.json": "a regex rule on an XML element path tests the element "
    "name; element text needs a ['#text'] path (pact-reference)",
    "v3/response/body/unexpected xml namespace.json": "a default namespace declared only on the actual root "
    "element is accepted (pact-reference)",
    "v4/response/body/unexpected xml namespace.json": "a default namespace declared only on the actual root "
    "element is accepted (pact-reference)",
    "v4/request/body/array with regular expression that does not match in element xml.json": "XML value "
    "paths carry no index for repeated children, so a rule path with [*] never applies (pact-reference)",
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return data


def _case_files() -> list[Path]:
    return sorted(CASES.glob("v*/*/*/*.json"))


def _params() -> list[Any]:
    if not CASES.is_dir():
        return [pytest.param(None, id="pact-spec-testcases-missing")]
    params = []
    for path in _case_files():
        relative = path.relative_to(CASES)
        name = relative.with_suffix("").as_posix()
        variant = VARIANTS / relative
        if variant.exists():
            params.append(pytest.param(variant, id=f"{name} [pact-reference]"))
        else:
            params.append(pytest.param(path, id=name))
    return params


def _run(path: Path, relative: Path) -> tuple[dict[str, Any], list[Mismatch]]:
    case = _load(path)
    version, kind = relative.parts[0][1:], relative.parts[1]
    return case, MATCHERS[kind](case["expected"], case["actual"], version)


def _check_well_formed(mismatches: list[Mismatch], part: str) -> None:
    for mismatch in mismatches:
        assert isinstance(mismatch, Mismatch)
        assert isinstance(mismatch.kind, MismatchKind)
        assert isinstance(mismatch.path, str)
        assert mismatch.path
        assert isinstance(mismatch.message, str)
        assert mismatch.message.strip()
        if mismatch.kind in (MismatchKind.BODY, MismatchKind.BODY_TYPE):
            assert mismatch.path.startswith("$"), mismatch
    kinds = {mismatch.kind for mismatch in mismatches}
    assert kinds & PART_KINDS[part], f"no {part} mismatch among {[str(m) for m in mismatches]}"


@pytest.mark.parametrize("case_file", _params())
def test_spec_case(case_file: Path | None) -> None:
    need(case_file is not None, f"{CASES} is missing")
    assert case_file is not None
    base = VARIANTS if case_file.is_relative_to(VARIANTS) else CASES
    relative = case_file.relative_to(base)
    case, mismatches = _run(case_file, relative)
    # The compiled form (used by the mock server and the load checker) gives the same answer, every time.
    version, kind = relative.parts[0][1:], relative.parts[1]
    if not (kind == "message" and "request" in case["expected"]):
        compiled = COMPILERS[kind](READERS[kind](case["expected"], version), version)
        actual = READERS[kind](case["actual"], version)
        assert compiled.match(actual) == mismatches
        assert compiled.match(actual) == mismatches
    if case["match"]:
        assert mismatches == [], f"{case['comment']}: unexpected mismatches {[str(m) for m in mismatches]}"
    else:
        assert mismatches, f"{case['comment']}: expected at least one mismatch"
        _check_well_formed(mismatches, relative.parts[2])


def test_corpus_is_complete(shared_dir: Path) -> None:
    files = _case_files()
    assert len(files) == 803
    assert len(list(VARIANTS.glob("v*/*/*/*.json"))) == 15


def _variant_params() -> list[Any]:
    if not VARIANTS.is_dir():
        return [pytest.param(None, id="variants-missing")]
    return [
        pytest.param(path.relative_to(VARIANTS), id=path.relative_to(VARIANTS).with_suffix("").as_posix())
        for path in sorted(VARIANTS.glob("v*/*/*/*.json"))
    ]


@pytest.mark.parametrize("relative", _variant_params())
def test_spec_flavour_of_reference_variants(relative: Path | None) -> None:
    """The written spec's version of each case pact-reference edited: we agree with it unless listed."""
    need(relative is not None, f"{VARIANTS} is missing")
    assert relative is not None
    case, mismatches = _run(CASES / relative, relative)
    agrees = (not mismatches) == case["match"]
    deviation = SPEC_DEVIATIONS.get(relative.as_posix())
    if deviation is None:
        assert agrees, f"spec verdict {case['match']}, got {[str(m) for m in mismatches]}"
    else:
        assert not agrees, f"listed as a deviation ({deviation}) but now agrees with the spec: remove it"
