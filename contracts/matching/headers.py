"""Comparing headers: names case-insensitive, values trimmed, only expected headers checked."""

from __future__ import annotations

import re
from collections.abc import Mapping

from contracts.matching.matchers import apply_rules, string_checker
from contracts.matching.parts import Headers
from contracts.media_types import params_match
from contracts.mismatches import Mismatch, MismatchKind
from contracts.rules import RuleList

_PARAMETERISED = frozenset({"content-type", "accept"})
_COMMA = re.compile(r"\s*,\s*")


def _value_matches(lower: str, expected: str, actual: str) -> bool:
    if lower in _PARAMETERISED:
        return params_match(expected, actual)
    return _COMMA.sub(",", expected) == _COMMA.sub(",", actual)


def compare_headers(expected: Headers, actual: Headers, rules: Mapping[str, RuleList]) -> list[Mismatch]:
    mismatches: list[Mismatch] = []
    for lower, (name, want) in expected.items():
        entry = actual.get(lower)
        if entry is None:
            mismatches.append(
                Mismatch(
                    MismatchKind.HEADER,
                    name,
                    ", ".join(want),
                    None,
                    f"Expected a header '{name}' but was missing",
                )
            )
            continue
        got = entry[1]
        rule = rules.get(lower) if rules else None
        if rule is not None:
            for index, value in enumerate(got or [""]):
                example = want[index] if index < len(want) else (want[0] if want else "")
                for message in apply_rules(rule, string_checker(example, value)):
                    mismatches.append(
                        Mismatch(
                            MismatchKind.HEADER,
                            name,
                            example,
                            value,
                            message,
                        )
                    )
            continue
        if len(want) == len(got) and all(_value_matches(lower, e, a) for e, a in zip(want, got, strict=True)):
            continue
        shown_want = ", ".join(want)
        shown_got = ", ".join(got)
        mismatches.append(
            Mismatch(
                MismatchKind.HEADER,
                name,
                shown_want,
                shown_got,
                f"Expected header '{name}' to have value '{shown_want}' but was '{shown_got}'",
            )
        )
    return mismatches
