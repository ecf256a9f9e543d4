"""parse → dump gives back the document, for every spec test case part and compatibility-suite pact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.model import AsyncMessage, HttpInteraction
from contracts.pactfile import load_pact, loads_pact, parse_pact
from contracts.pactwriter import dump_message_part, dump_pact, dump_request, dump_response, dumps_pact
from tests.contracts.model.corpus import (
    SPEC_CASES,
    fixture_pacts,
    load_case,
    spec_case_files,
    wrap_part,
)
from tests.support import need

CASES = spec_case_files()


def test_corpus_is_present() -> None:
    need(SPEC_CASES.is_dir(), f"{SPEC_CASES} is missing")
    assert len(CASES) == 803
    assert len(fixture_pacts()) >= 2


@pytest.mark.parametrize("path", CASES, ids=lambda p: str(p.relative_to(SPEC_CASES)))
def test_spec_case_parts_round_trip(path: Path) -> None:
    version_dir, kind = path.parts[-4], path.parts[-3]
    case = load_case(path)
    for side in ("expected", "actual"):
        document = wrap_part(version_dir, kind, case[side])
        pact = parse_pact(document)
        assert dump_pact(pact) == document
        (interaction,) = pact.interactions
        if kind == "request":
            assert isinstance(interaction, HttpInteraction)
            assert dump_request(interaction.request, interaction.spec_version) == case[side]
        elif kind == "response":
            assert isinstance(interaction, HttpInteraction)
            assert dump_response(interaction.response, interaction.spec_version) == case[side]
        else:
            assert isinstance(interaction, AsyncMessage)
            assert dump_message_part(interaction.message_part(), interaction.spec_version) == case[side]


@pytest.mark.parametrize("path", fixture_pacts(), ids=lambda p: p.name)
def test_compatibility_suite_pacts_round_trip(path: Path) -> None:
    original = json.loads(path.read_text())
    pact = load_pact(path)
    assert pact.spec_version == "4"
    assert pact.consumer == original["consumer"]["name"]
    assert dump_pact(pact) == original
    assert json.loads(dumps_pact(pact)) == original
    assert dump_pact(loads_pact(dumps_pact(pact))) == original
