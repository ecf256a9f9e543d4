"""Stateful scenarios derived from provider states (WireMock's scenarios, without writing any).

A pact says which state each interaction needs: ``POST /orders`` in "a product exists" answers 201, and
``GET /orders/{orderId}`` needs "an order exists". With scenarios on (``tether mock serve --stateful``,
``ContractMock(..., stateful=True)``), a successful request moves the mock to the state that its
follow-up requests need, so a client can create and then read without naming states:

* a successful create (POST/PUT) on a collection ``/orders`` moves to the state of the successful GETs
  one segment below (``/orders/{orderId}``), when they all need the same state;
* a successful DELETE of ``/orders/{orderId}`` moves to the state of the GETs on that collection's items
  that answer 404, when they all need the same state.

No transition is derived when the pact is ambiguous (several target states). A state header on a request
still wins; ``POST /__tether/reset`` (or ``reset_scenario()``) returns to the default state.
"""

from __future__ import annotations

from dataclasses import dataclass

from mocking.server.interactions import MockInteraction

CREATES = frozenset({"POST", "PUT"})


@dataclass(frozen=True, slots=True)
class Transition:
    state: str
    reason: str


def _parent(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[0] or "/"


def _ok(interaction: MockInteraction) -> bool:
    return 200 <= interaction.interaction.response.status < 300


def _item_of(collection: str, interaction: MockInteraction) -> bool:
    """Is ``interaction`` a request on one item of ``collection`` (one segment below it)?"""
    path = interaction.path.rstrip("/")
    return _parent(path) == collection.rstrip("/") and path != collection.rstrip("/")


def _single(states: set[str]) -> str | None:
    return next(iter(states)) if len(states) == 1 else None


def derive_transitions(interactions: list[MockInteraction]) -> dict[int, Transition]:
    """For each interaction index, the state a successful answer moves the scenario to (see above)."""
    gets = [i for i in interactions if i.method == "GET" and i.states]
    transitions: dict[int, Transition] = {}
    for interaction in interactions:
        if not _ok(interaction):
            continue
        if interaction.method in CREATES:
            collection = interaction.path
            states = {s for g in gets if _ok(g) and _item_of(collection, g) for s in g.states}
            state = _single(states)
            if state is not None:
                transitions[interaction.index] = Transition(
                    state,
                    f"{interaction.method} {collection} created an item; GET {collection}/... needs {state!r}",
                )
        elif interaction.method == "DELETE":
            collection = _parent(interaction.path)
            states = {
                s
                for g in gets
                if g.interaction.response.status == 404 and _item_of(collection, g)
                for s in g.states
            }
            state = _single(states)
            if state is not None:
                transitions[interaction.index] = Transition(
                    state, f"DELETE {interaction.path} removed the item; a missing item is {state!r}"
                )
    return transitions
