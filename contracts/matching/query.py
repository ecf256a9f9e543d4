"""Comparing query parameters and form-urlencoded bodies: names in any order, repeated values in order,
strict about missing and unexpected names; a rule on a name applies to each of its values."""

from __future__ import annotations

from collections.abc import Callable

from contracts.matching.matchers import apply_rules, string_checker
from contracts.matching.parts import Query
from contracts.mismatches import Mismatch, MismatchKind
from contracts.rules import RuleList


def compare_query(
    expected: Query,
    actual: Query,
    rule_for: Callable[[str], RuleList | None],
    *,
    label: str = "query parameter",
    kind: MismatchKind = MismatchKind.QUERY,
    path_of: Callable[[str], str] = str,
) -> list[Mismatch]:
    mismatches: list[Mismatch] = []
    for name, want in expected.items():
        got = actual.get(name)
        if got is None:
            mismatches.append(
                Mismatch(kind, path_of(name), want, None, f"Expected {label} '{name}' but was missing")
            )
            continue
        rule = rule_for(name)
        if rule is not None:
            for index, value in enumerate(got):
                example = want[index] if index < len(want) else (want[0] if want else None)
                for message in apply_rules(rule, string_checker(example, value)):
                    mismatches.append(Mismatch(kind, path_of(name), example, value, message))
            continue
        want_text = ["" if item is None else item for item in want]
        got_text = ["" if item is None else item for item in got]
        if want_text == got_text:
            continue
        if len(want_text) == len(got_text):
            for example, value in zip(want_text, got_text, strict=True):
                if example != value:
                    mismatches.append(
                        Mismatch(
                            kind,
                            path_of(name),
                            example,
                            value,
                            f"Expected {label} '{name}' with value '{example}' but was '{value}'",
                        )
                    )
        else:
            mismatches.append(
                Mismatch(
                    kind,
                    path_of(name),
                    want,
                    got,
                    f"Expected {label} '{name}' with {len(want)} value(s) {want_text} "
                    f"but received {len(got)} value(s) {got_text}",
                )
            )
    for name, values in actual.items():
        if name not in expected:
            mismatches.append(
                Mismatch(kind, path_of(name), None, values, f"Unexpected {label} '{name}' received")
            )
    return mismatches
