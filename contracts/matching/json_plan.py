"""A JSON expectation compiled into a tree of closures, for matching many actual bodies fast.

`JsonComparer` is the reference algorithm; it selects rules and walks the expected document on every
call. A `JsonPlan` does the parts that depend only on the pact once: for each expected value it selects
the rule list (paths of expected keys and indices are known in advance) and picks a specialised check.
Anything dynamic (values/eachKey/eachValue/arrayContains, rules on specific indices of a padded array,
rules that can fail on a whole collection) is delegated to `JsonComparer` for that subtree, so both
produce the same mismatches (tests run the spec corpus through both).
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.matching.json_body import JsonComparer
from contracts.matching.matchers import (
    apply_rules,
    check_collection,
    fast_scalar,
    scalar_plan,
    trivial_on_list,
    trivial_on_map,
)
from contracts.matching.paths import render_path
from contracts.matching.values import Json, kind_name, render
from contracts.mismatches import Mismatch, MismatchKind
from contracts.rules import MatcherKind, RuleCategory, Selected, ValueToken, Wildcard, path_weight

Path = tuple[ValueToken, ...]
Node = Callable[[Json, Path, list[Mismatch]], None]

_DYNAMIC_ON_MAPS = frozenset({MatcherKind.VALUES, MatcherKind.EACH_KEY, MatcherKind.EACH_VALUE})
_VALUES_MODE = frozenset({MatcherKind.VALUES, MatcherKind.EACH_VALUE})


def _index_depths(rules: RuleCategory) -> frozenset[int]:
    """Positions at which some rule path names a specific index (`[2]` or `.2`)."""
    depths = set()
    for rule_path, _ in rules.entries:
        for position, token in enumerate(rule_path):
            if isinstance(token, int) or (isinstance(token, str) and token.isdigit()):
                depths.add(position)
    return frozenset(depths)


class JsonPlan:
    """`JsonPlan(expected, rules, strict).match(actual)` == `compare_json(expected, actual, rules, ...)`."""

    __slots__ = ("_index_depths", "kind", "root", "rules", "select", "strict")

    def __init__(
        self, expected: Json, rules: RuleCategory, *, strict: bool, kind: MismatchKind = MismatchKind.BODY
    ) -> None:
        self.rules = rules
        self.strict = strict
        self.kind = kind
        self.select: Callable[[Path], Selected | None] = rules.select if rules else (lambda path: None)
        self._index_depths = _index_depths(rules)
        self.root = self._build((), expected)

    def match(self, actual: Json) -> list[Mismatch]:
        out: list[Mismatch] = []
        self.root(actual, (), out)
        return out

    # -------------------------------------------------------------------------------------- builders

    def _build(self, path: Path, expected: Json) -> Node:
        expected_type = type(expected)
        if expected_type is dict:
            return self._map(path, expected)
        if expected_type is list:
            return self._list(path, expected)
        return self._scalar(path, expected)

    def _generic(self, expected: Json) -> Node:
        rules, strict, kind = self.rules, self.strict, self.kind

        def generic(actual: Json, path: Path, out: list[Mismatch]) -> None:
            comparer = JsonComparer(rules, strict, kind)
            comparer.compare(path, expected, actual)
            out.extend(comparer.mismatches)

        return generic

    def _type_mismatch(self, expected: Json, actual: Json, path: Path) -> Mismatch:
        return Mismatch(
            self.kind,
            render_path(path),
            expected,
            actual,
            f"Type mismatch: Expected {render(actual)} ({kind_name(actual)}) to be the same type as "
            f"{render(expected)} ({kind_name(expected)})",
        )

    def _scalar(self, path: Path, expected: Json) -> Node:
        kind = self.kind
        selected = self.select(path)
        if selected is None:
            expected_type = type(expected)

            def equal(actual: Json, path: Path, out: list[Mismatch]) -> None:
                if type(actual) is expected_type and actual == expected:
                    return
                out.append(
                    Mismatch(
                        kind,
                        render_path(path),
                        expected,
                        actual,
                        f"Expected {render(actual)} ({kind_name(actual)}) to be equal to "
                        f"{render(expected)} ({kind_name(expected)})",
                    )
                )

            return equal
        inherited = selected.inherited
        matchers = selected.rules.matchers
        if len(matchers) == 1 and matchers[0].kind is MatcherKind.TYPE and type(expected) not in (list, dict):
            return self._scalar_type(expected)
        if len(matchers) == 1:
            check = fast_scalar(matchers[0])

            def single(actual: Json, path: Path, out: list[Mismatch]) -> None:
                message = check(expected, actual, inherited)
                if message is not None:
                    out.append(Mismatch(kind, render_path(path), expected, actual, message))

            return single
        plan = scalar_plan(selected.rules)

        def ruled(actual: Json, path: Path, out: list[Mismatch]) -> None:
            failures = plan(expected, actual, inherited)
            if failures:
                rendered = render_path(path)
                out.extend(Mismatch(kind, rendered, expected, actual, message) for message in failures)

        return ruled

    def _scalar_type(self, expected: Json) -> Node:
        kind = self.kind
        expected_type = type(expected)
        numeric = expected_type in (int, float)

        def same_type(actual: Json, path: Path, out: list[Mismatch]) -> None:
            actual_type = type(actual)
            if actual_type is expected_type or (numeric and actual_type in (int, float)):
                return
            out.append(
                Mismatch(
                    kind,
                    render_path(path),
                    expected,
                    actual,
                    f"Expected {render(actual)} ({kind_name(actual)}) to be the same type as "
                    f"{render(expected)} ({kind_name(expected)})",
                )
            )

        return same_type

    def _keys_matter(self, path: Path) -> bool:
        """Whether rule selection below `path` depends on which key a child has (some applicable rule
        names a key or uses [*] at that position), so a node built for one key cannot serve another."""
        depth = len(path)
        for rule_path, _ in self.rules.entries:
            if (
                len(rule_path) > depth
                and rule_path[depth] is not Wildcard.ANY
                and path_weight(rule_path[:depth], path)
            ):
                return True
        return False

    def _values_map(self, path: Path, expected: dict[str, Json]) -> Node | None:
        """Values mode (`values`/`eachValue` at this path): every actual value against its example."""
        if not expected or self._keys_matter(path):
            return None
        nodes = {key: self._build((*path, key), value) for key, value in expected.items()}
        first = next(iter(nodes.values()))
        type_mismatch = self._type_mismatch

        def values_node(actual: Json, path: Path, out: list[Mismatch]) -> None:
            if type(actual) is not dict:
                out.append(type_mismatch(expected, actual, path))
                return
            for key, value in actual.items():
                nodes.get(key, first)(value, (*path, key), out)

        return values_node

    def _map(self, path: Path, expected: dict[str, Json]) -> Node:
        selected = self.select(path)
        if (
            selected is not None
            and not selected.inherited
            and any(m.kind in _VALUES_MODE for m in selected.rules.matchers)
            and all(
                m.kind in _VALUES_MODE or (m.kind is MatcherKind.TYPE and not m.sized)
                for m in selected.rules.matchers
            )
        ):
            node = self._values_map(path, expected)
            if node is not None:
                return node
        if selected is not None and (
            not trivial_on_map(selected.rules, selected.inherited)
            or (not selected.inherited and any(m.kind in _DYNAMIC_ON_MAPS for m in selected.rules.matchers))
        ):
            return self._generic(expected)
        if self.strict and not expected:
            return self._generic(expected)
        children = [(key, self._build((*path, key), value)) for key, value in expected.items()]
        expected_keys = expected.keys()
        strict = self.strict
        kind = self.kind
        type_mismatch = self._type_mismatch

        def map_node(actual: Json, path: Path, out: list[Mismatch]) -> None:
            if type(actual) is not dict:
                out.append(type_mismatch(expected, actual, path))
                return
            if strict:
                if expected_keys != actual.keys():
                    out.append(
                        Mismatch(
                            kind,
                            render_path(path),
                            expected,
                            actual,
                            f"Expected a Map with keys [{', '.join(sorted(expected))}] "
                            f"but received one with keys [{', '.join(sorted(actual))}]",
                        )
                    )
            elif not expected_keys <= actual.keys():
                missing = [key for key in expected if key not in actual]
                if missing:
                    out.append(
                        Mismatch(
                            kind,
                            render_path(path),
                            expected,
                            actual,
                            f"Actual map is missing the following keys: {', '.join(missing)}",
                        )
                    )
            for key, child in children:
                if key in actual:
                    child(actual[key], (*path, key), out)

        return map_node

    def _list(self, path: Path, expected: list[Json]) -> Node:
        selected = self.select(path)
        type_mismatch = self._type_mismatch
        if selected is None:
            if not expected:
                return self._generic(expected)
            nodes = [self._build((*path, index), value) for index, value in enumerate(expected)]
            size = len(expected)
            kind = self.kind

            def exact(actual: Json, path: Path, out: list[Mismatch]) -> None:
                if type(actual) is not list:
                    out.append(type_mismatch(expected, actual, path))
                    return
                count = len(actual)
                for index, node in enumerate(nodes):
                    if index < count:
                        node(actual[index], (*path, index), out)
                    else:
                        value = expected[index]
                        out.append(
                            Mismatch(
                                kind,
                                render_path((*path, index)),
                                value,
                                None,
                                f"Expected {render(value)} but was missing",
                            )
                        )
                if count != size:
                    out.append(
                        Mismatch(
                            kind,
                            render_path(path),
                            expected,
                            actual,
                            f"Expected a List with {size} elements but received {count} elements",
                        )
                    )

            return exact
        if (
            not expected
            or len(path) in self._index_depths
            or any(m.kind is MatcherKind.ARRAY_CONTAINS for m in selected.rules.matchers)
        ):
            return self._generic(expected)
        nodes = [self._build((*path, index), value) for index, value in enumerate(expected)]
        first = nodes[0]
        size = len(nodes)
        rules = selected.rules
        inherited = selected.inherited
        check_whole = not trivial_on_list(rules, inherited)
        kind = self.kind

        def padded(actual: Json, path: Path, out: list[Mismatch]) -> None:
            if type(actual) is not list:
                out.append(type_mismatch(expected, actual, path))
                return
            if check_whole:
                for message in apply_rules(rules, lambda m: check_collection(m, expected, actual, inherited)):
                    out.append(Mismatch(kind, render_path(path), expected, actual, message))
            for index, item in enumerate(actual):
                (nodes[index] if index < size else first)(item, (*path, index), out)

        return padded
