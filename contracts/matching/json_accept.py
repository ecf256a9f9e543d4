"""A compiled JSON plan's yes/no twin: does an actual document match, without the mismatches?

`JsonPlan.match` builds a path for every value it visits and collects mismatches; under load almost
every document matches, and only the answer is needed. `json_acceptor` builds, from the same plan
(the same rule selection, the same checks: the plan's own decisions are taken at the same places), a
tree of closures that return a bool and allocate nothing. ``acceptor(actual)`` is True exactly when
``plan.match(actual) == []``. A plan with a subtree it delegates to the reference comparer (values,
eachKey/eachValue maps, arrayContains, rules on specific indices, whole-collection rules on maps) gets
no acceptor (None): match with the plan.
"""

# ruff: noqa: SIM110  (explicit loops: all() over a generator costs a frame per call, on every response)

from __future__ import annotations

from collections.abc import Callable, KeysView

from contracts.matching.json_plan import JsonPlan, Path
from contracts.matching.matchers import (
    apply_rules,
    check_collection,
    fast_scalar,
    scalar_plan,
    scalar_types,
    size_bounds,
    trivial_on_list,
    trivial_on_map,
)
from contracts.matching.values import Json
from contracts.rules import MatcherKind

Accept = Callable[[Json], bool]
_TypedMap = tuple[KeysView[str], tuple[tuple[str, tuple[type, ...]], ...], bool]

_DYNAMIC_ON_MAPS = frozenset({MatcherKind.VALUES, MatcherKind.EACH_KEY, MatcherKind.EACH_VALUE})
_VALUES_MODE = frozenset({MatcherKind.VALUES, MatcherKind.EACH_VALUE})


class _Delegated(Exception):
    """The plan delegates this subtree to the reference comparer: no acceptor."""


def json_acceptor(plan: JsonPlan, expected: Json) -> Accept | None:
    """A yes/no check equivalent to ``not plan.match(actual)`` for the plan built from `expected`, or
    None when the plan delegates some part to the reference comparer."""
    try:
        return _Builder(plan).build((), expected)
    except _Delegated:
        return None


class _Builder:
    def __init__(self, plan: JsonPlan) -> None:
        self.plan = plan
        self.typed_maps: dict[Accept, _TypedMap] = {}
        """Map acceptors whose every value is checked by its type alone: their keys, (key, types), strictness."""

    def build(self, path: Path, expected: Json) -> Accept:
        expected_type = type(expected)
        if expected_type is dict:
            assert isinstance(expected, dict)
            return self._map(path, expected)
        if expected_type is list:
            assert isinstance(expected, list)
            return self._list(path, expected)
        return self._scalar(path, expected)

    def _types(self, path: Path, expected: Json) -> tuple[type, ...] | None:
        """The types a scalar value at `path` may have, when the plan's check of it depends on its type
        alone (one type, integer, decimal or number matcher); None otherwise."""
        if type(expected) is dict or type(expected) is list:
            return None
        selected = self.plan.select(path)
        if selected is None or len(selected.rules.matchers) != 1:
            return None
        return scalar_types(selected.rules.matchers[0], expected)

    def _scalar(self, path: Path, expected: Json) -> Accept:
        types = self._types(path, expected)
        if types is not None:
            return lambda actual: type(actual) in types
        selected = self.plan.select(path)
        expected_type = type(expected)
        if selected is None:
            return lambda actual: type(actual) is expected_type and actual == expected
        inherited = selected.inherited
        matchers = selected.rules.matchers
        if len(matchers) == 1:
            check = fast_scalar(matchers[0])
            return lambda actual: check(expected, actual, inherited) is None
        rules_check = scalar_plan(selected.rules)
        return lambda actual: not rules_check(expected, actual, inherited)

    def _map(self, path: Path, expected: dict[str, Json]) -> Accept:
        plan = self.plan
        selected = plan.select(path)
        if (
            selected is not None
            and not selected.inherited
            and any(m.kind in _VALUES_MODE for m in selected.rules.matchers)
            and all(
                m.kind in _VALUES_MODE or (m.kind is MatcherKind.TYPE and not m.sized)
                for m in selected.rules.matchers
            )
        ):
            raise _Delegated  # values mode (or the comparer) decides
        if selected is not None and (
            not trivial_on_map(selected.rules, selected.inherited)
            or (not selected.inherited and any(m.kind in _DYNAMIC_ON_MAPS for m in selected.rules.matchers))
        ):
            raise _Delegated
        if plan.strict and not expected:
            raise _Delegated
        # Values whose check is their type alone are checked inline (no call per value); the others by
        # their own acceptor.
        typed: list[tuple[str, tuple[type, ...]]] = []
        others: list[tuple[str, Accept]] = []
        for key, value in expected.items():
            types = self._types((*path, key), value)
            if types is not None:
                typed.append((key, types))
            else:
                others.append((key, self.build((*path, key), value)))
        typed_children = tuple(typed)
        children = tuple(others)
        expected_keys = expected.keys()
        if plan.strict:

            def strict_map(actual: Json) -> bool:
                if type(actual) is not dict or expected_keys != actual.keys():
                    return False
                for key, types in typed_children:
                    if type(actual[key]) not in types:
                        return False
                for key, child in children:
                    if not child(actual[key]):
                        return False
                return True

            if not children:
                self.typed_maps[strict_map] = (expected_keys, typed_children, True)
            return strict_map

        def lenient_map(actual: Json) -> bool:
            if type(actual) is not dict or not expected_keys <= actual.keys():
                return False
            for key, types in typed_children:
                if type(actual[key]) not in types:
                    return False
            for key, child in children:
                if not child(actual[key]):
                    return False
            return True

        if not children:
            self.typed_maps[lenient_map] = (expected_keys, typed_children, False)
        return lenient_map

    def _list(self, path: Path, expected: list[Json]) -> Accept:
        plan = self.plan
        selected = plan.select(path)
        if selected is None:
            if not expected:
                raise _Delegated
            exact = tuple(self.build((*path, index), value) for index, value in enumerate(expected))
            size = len(exact)

            def exact_list(actual: Json) -> bool:
                if type(actual) is not list or len(actual) != size:
                    return False
                for node, item in zip(exact, actual, strict=True):
                    if not node(item):
                        return False
                return True

            return exact_list
        if (
            not expected
            or len(path) in plan._index_depths
            or any(m.kind is MatcherKind.ARRAY_CONTAINS for m in selected.rules.matchers)
        ):
            raise _Delegated
        nodes = tuple(self.build((*path, index), value) for index, value in enumerate(expected))
        first = nodes[0]
        size = len(nodes)
        rules = selected.rules
        inherited = selected.inherited
        check_whole = not trivial_on_list(rules, inherited)
        bounds = size_bounds(rules, inherited) if check_whole else None
        least, most = bounds if bounds is not None else (0, None)
        check_rules = check_whole and bounds is None
        same_for_all = size == 1
        typed_map = self.typed_maps.get(first) if same_for_all else None
        if typed_map is not None and not check_rules:
            return _typed_items(typed_map, least, most)

        def padded(actual: Json) -> bool:
            if type(actual) is not list:
                return False
            if len(actual) < least or (most is not None and len(actual) > most):
                return False
            if check_rules and apply_rules(rules, lambda m: check_collection(m, expected, actual, inherited)):
                return False
            if same_for_all:
                for item in actual:
                    if not first(item):
                        return False
                return True
            for index, item in enumerate(actual):
                if not (nodes[index] if index < size else first)(item):
                    return False
            return True

        return padded


def _typed_items(item: _TypedMap, least: int, most: int | None) -> Accept:
    """An array of maps whose values are checked by their type alone, within size bounds: the map check
    (the map acceptor's own steps) done inside the loop over the items, with no call per item."""
    expected_keys, item_types, strict = item

    def typed_items(actual: Json) -> bool:
        if type(actual) is not list:
            return False
        size = len(actual)
        if size < least or (most is not None and size > most):
            return False
        for value in actual:
            if type(value) is not dict:
                return False
            if strict:
                if expected_keys != value.keys():
                    return False
            elif not expected_keys <= value.keys():
                return False
            for key, types in item_types:
                if type(value[key]) not in types:
                    return False
        return True

    return typed_items
