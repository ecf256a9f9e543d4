"""Comparing JSON bodies (and message contents) under a category of path-selected matching rules."""

from __future__ import annotations

from contracts.matching.matchers import (
    apply_rules,
    check_collection,
    check_string,
    scalar_plan,
    trivial_on_list,
    trivial_on_map,
)
from contracts.matching.paths import render_path
from contracts.matching.values import Json, json_equal, kind_name, render, render_sorted
from contracts.mismatches import Mismatch, MismatchKind
from contracts.rules import Matcher, MatcherKind, RuleCategory, Selected, ValueToken

_MISSING = object()


def _no_rules(path: tuple[ValueToken, ...]) -> Selected | None:
    return None


_VALUES_MODE = frozenset({MatcherKind.VALUES, MatcherKind.EACH_VALUE})
_NO_KEY_CHECK = frozenset({MatcherKind.VALUES, MatcherKind.EACH_VALUE, MatcherKind.EACH_KEY})


class JsonComparer:
    """One comparison run: `strict` for requests (unexpected keys fail), lenient for responses/messages."""

    __slots__ = ("kind", "mismatches", "rules", "select", "strict")

    def __init__(self, rules: RuleCategory, strict: bool, kind: MismatchKind = MismatchKind.BODY) -> None:
        self.rules = rules
        self.select = rules.select if rules else _no_rules
        self.strict = strict
        self.kind = kind
        self.mismatches: list[Mismatch] = []

    def fail(self, path: tuple[ValueToken, ...], expected: Json, actual: Json, message: str) -> None:
        self.mismatches.append(Mismatch(self.kind, render_path(path), expected, actual, message))

    def compare(self, path: tuple[ValueToken, ...], expected: Json, actual: Json) -> None:
        expected_type = type(expected)
        if expected_type is dict:
            if type(actual) is not dict:
                self._type_mismatch(path, expected, actual)
            else:
                self._compare_maps(path, expected, actual)
        elif expected_type is list:
            if type(actual) is not list:
                self._type_mismatch(path, expected, actual)
            else:
                self._compare_lists(path, expected, actual)
        else:
            selected = self.select(path)
            if selected is None:
                if not json_equal(expected, actual):
                    self.fail(
                        path,
                        expected,
                        actual,
                        f"Expected {render(actual)} ({kind_name(actual)}) to be equal to "
                        f"{render(expected)} ({kind_name(expected)})",
                    )
            else:
                for message in scalar_plan(selected.rules)(expected, actual, selected.inherited):
                    self.fail(path, expected, actual, message)

    def _type_mismatch(self, path: tuple[ValueToken, ...], expected: Json, actual: Json) -> None:
        self.fail(
            path,
            expected,
            actual,
            f"Type mismatch: Expected {render(actual)} ({kind_name(actual)}) to be the same type as "
            f"{render(expected)} ({kind_name(expected)})",
        )

    def _compare_maps(
        self, path: tuple[ValueToken, ...], expected: dict[str, Json], actual: dict[str, Json]
    ) -> None:
        if self.strict and not expected and actual:
            self.fail(path, expected, actual, f"Expected an empty Map but received {render(actual)}")
            return
        selected = self.select(path)
        key_check = True
        values_mode = False
        if selected is not None:
            inherited = selected.inherited
            if not inherited:
                for matcher in selected.rules.matchers:
                    if matcher.kind in _NO_KEY_CHECK:
                        key_check = False
                        values_mode = values_mode or matcher.kind in _VALUES_MODE
                        if matcher.kind is MatcherKind.EACH_KEY:
                            self._each_key(path, matcher, actual)
            if not trivial_on_map(selected.rules, inherited):
                for message in apply_rules(
                    selected.rules,
                    lambda m: (
                        None
                        if (m.kind in _NO_KEY_CHECK and not inherited)
                        else check_collection(m, expected, actual, inherited)
                    ),
                ):
                    self.fail(path, expected, actual, message)
        if values_mode:
            first = next(iter(expected.values()), _MISSING)
            for key, value in actual.items():
                example = expected.get(key, first)
                if example is not _MISSING:
                    self.compare((*path, key), example, value)
            return
        if key_check:
            self._check_keys(path, expected, actual)
        for key, value in expected.items():
            if key in actual:
                self.compare((*path, key), value, actual[key])

    def _check_keys(
        self, path: tuple[ValueToken, ...], expected: dict[str, Json], actual: dict[str, Json]
    ) -> None:
        if self.strict:
            if expected.keys() != actual.keys():
                self.fail(
                    path,
                    expected,
                    actual,
                    f"Expected a Map with keys [{', '.join(sorted(expected))}] "
                    f"but received one with keys [{', '.join(sorted(actual))}]",
                )
        else:
            missing = [key for key in expected if key not in actual]
            if missing:
                self.fail(
                    path, expected, actual, f"Actual map is missing the following keys: {', '.join(missing)}"
                )

    def _each_key(self, path: tuple[ValueToken, ...], matcher: Matcher, actual: dict[str, Json]) -> None:
        for key in actual:
            for sub in matcher.rules:
                message = check_string(sub, None, key)
                if message is not None:
                    self.fail((*path, key), None, key, message)

    def _compare_lists(self, path: tuple[ValueToken, ...], expected: list[Json], actual: list[Json]) -> None:
        selected = self.select(path)
        if selected is None:
            self._compare_lists_exactly(path, expected, actual)
            return
        if not expected:
            return
        compare_contents = True
        inherited = selected.inherited
        if trivial_on_list(selected.rules, inherited):
            messages = []
        else:
            messages = apply_rules(selected.rules, lambda m: self._list_rule(m, expected, actual, inherited))
        for matcher in selected.rules.matchers:
            if matcher.kind is MatcherKind.ARRAY_CONTAINS and not inherited:
                compare_contents = False
                messages.extend(self._array_contains(matcher, expected, actual))
        for message in messages:
            self.fail(path, expected, actual, message)
        if compare_contents:
            first = expected[0]
            size = len(expected)
            for index, value in enumerate(actual):
                self.compare((*path, index), expected[index] if index < size else first, value)

    @staticmethod
    def _list_rule(matcher: Matcher, expected: list[Json], actual: list[Json], inherited: bool) -> str | None:
        if matcher.kind is MatcherKind.ARRAY_CONTAINS:
            return None  # checked by _array_contains, one mismatch per missing variant
        return check_collection(matcher, expected, actual, inherited)

    def _array_contains(self, matcher: Matcher, expected: list[Json], actual: list[Json]) -> list[str]:
        failures = []
        for variant in matcher.variants:
            if variant.index >= len(expected):
                failures.append(
                    f"ArrayContains: variant {variant.index} is outside the expected list of {len(expected)} items"
                )
                continue
            example = expected[variant.index]
            found = False
            for item in actual:
                inner = JsonComparer(variant.rules, strict=False, kind=self.kind)
                inner.compare((), example, item)
                if not inner.mismatches:
                    found = True
                    break
            if not found:
                failures.append(
                    f"Variant at index {variant.index} ({render_sorted(example)}) was not found in the actual list"
                )
        return failures

    def _compare_lists_exactly(
        self, path: tuple[ValueToken, ...], expected: list[Json], actual: list[Json]
    ) -> None:
        if not expected and actual:
            self.fail(path, expected, actual, f"Expected an empty List but received {render(actual)}")
            return
        size = len(actual)
        for index, value in enumerate(expected):
            if index < size:
                self.compare((*path, index), value, actual[index])
            else:
                self.fail((*path, index), value, None, f"Expected {render(value)} but was missing")
        if size != len(expected):
            self.fail(
                path,
                expected,
                actual,
                f"Expected a List with {len(expected)} elements but received {size} elements",
            )


def compare_json(
    expected: Json, actual: Json, rules: RuleCategory, *, strict: bool, kind: MismatchKind = MismatchKind.BODY
) -> list[Mismatch]:
    comparer = JsonComparer(rules, strict, kind)
    comparer.compare((), expected, actual)
    return comparer.mismatches
