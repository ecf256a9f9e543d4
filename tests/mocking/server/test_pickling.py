"""The loader process's pickling: constructor calls for plain records, an equal result."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from brokerclient.contract_source import load_pact_files
from mocking.server import pickling
from mocking.server.loading import prepare

PACTS = Path(__file__).parent / "pacts"


def test_prepared_pacts_survive_the_trip_equal() -> None:
    prepared = prepare(load_pact_files([PACTS], "OrdersApi"))
    back = pickle.loads(pickling.dumps(("ok", prepared)))[1]
    assert back.fingerprint == prepared.fingerprint
    assert back.contracts.to_json() == prepared.contracts.to_json()
    assert len(back.interactions) == len(prepared.interactions) == 4
    for sent, received in zip(prepared.interactions, back.interactions, strict=True):
        assert received.interaction == sent.interaction
        assert received.pattern == sent.pattern
        assert received.response == sent.response
        assert (received.index, received.method, received.path, received.states) == (
            sent.index,
            sent.method,
            sent.path,
            sent.states,
        )
        assert (received.specificity, received.key_headers, received.calls) == (
            sent.specificity,
            sent.key_headers,
            0,
        )


def test_only_plain_records_are_rebuilt_with_their_constructor() -> None:
    @dataclasses.dataclass
    class Checked:
        value: int

        def __post_init__(self) -> None:
            assert self.value >= 0

    @dataclasses.dataclass
    class Derived:
        value: int
        double: int = dataclasses.field(init=False, default=0)

    assert not pickling.is_record(Checked)
    assert not pickling.is_record(Derived)
    assert all(pickling.is_record(cls) for cls in pickling._RECORDS)
