"""Java date/time patterns (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX`) translated into strict Python regexes.

Pact's `date`, `time` and `datetime`/`timestamp` matchers carry Java `DateTimeFormatter` /
`SimpleDateFormat` patterns. `strptime` is both too lenient and too different for them, so each pattern
letter run becomes a regex fragment that accepts exactly what the Java parser accepts for well-formed
values (field ranges included: month 01-12, hour 00-23, ...).
"""

from __future__ import annotations

import re

from contracts.errors import MatchingRuleError

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December",
    "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec",
)
_DAYS = (
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday",
    "Mon|Tue|Wed|Thu|Fri|Sat|Sun",
)
# Offsets parse with or without the colon, as chrono (behind pact-reference) parses them.
_OFFSET_COLON = r"[+-](?:[01]\d|2[0-3]):?[0-5]\d"


def _fragment(letter: str, count: int) -> str:
    if letter in "yuY":
        if count == 2:
            return r"\d{2}"
        if count == 1:
            return r"[+-]?\d{1,9}"
        return rf"[+-]?\d{{{count},9}}" if count > 4 else rf"\d{{{count}}}"
    if letter in "ML":
        if count == 1:
            return r"(?:1[0-2]|0?[1-9])"
        if count == 2:
            return r"(?:0[1-9]|1[0-2])"
        return f"(?:{_MONTHS[1]})" if count == 3 else f"(?:{_MONTHS[0]})"
    if letter == "d":
        return r"(?:3[01]|[12]\d|0?[1-9])" if count == 1 else r"(?:0[1-9]|[12]\d|3[01])"
    if letter == "D":
        return r"\d{1,3}" if count == 1 else rf"\d{{{count}}}"
    if letter == "E":
        return f"(?:{_DAYS[1]})" if count <= 3 else f"(?:{_DAYS[0]})"
    if letter in "ec":
        return r"[1-7]" if count <= 2 else f"(?:{_DAYS[1]})" if count == 3 else f"(?:{_DAYS[0]})"
    if letter == "a":
        return r"(?:AM|PM|am|pm)"
    if letter == "G":
        return r"(?:AD|BC|Anno Domini|Before Christ)"
    if letter == "H":
        return r"(?:[01]?\d|2[0-3])" if count == 1 else r"(?:[01]\d|2[0-3])"
    if letter == "k":
        return r"(?:[1-9]|1\d|2[0-4])" if count == 1 else r"(?:0[1-9]|1\d|2[0-4])"
    if letter == "K":
        return r"(?:0?\d|1[01])" if count == 1 else r"(?:0\d|1[01])"
    if letter == "h":
        return r"(?:1[0-2]|0?[1-9])" if count == 1 else r"(?:0[1-9]|1[0-2])"
    if letter in "ms":
        return r"[0-5]?\d" if count == 1 else r"[0-5]\d"
    if letter == "S":
        return r"\d{1,9}" if count == 1 else rf"\d{{{count}}}"
    if letter in "nN":
        return r"\d{1,18}"
    if letter == "A":
        return r"\d{1,8}"
    if letter in "wW":
        return r"\d{1,2}" if count == 1 else r"\d{2}"
    if letter in "qQ":
        return r"[1-4]" if count <= 2 else r"(?:Q[1-4]|[1-4](?:st|nd|rd|th) quarter)"
    if letter == "F":
        return r"[1-5]"
    if letter == "X":
        return "(?:Z|" + (r"[+-](?:[01]\d|2[0-3])(?:[0-5]\d)?" if count == 1 else _OFFSET_COLON) + ")"
    if letter == "x":
        return r"[+-](?:[01]\d|2[0-3])(?:[0-5]\d)?" if count == 1 else _OFFSET_COLON
    if letter == "Z":
        return f"(?:{_OFFSET_COLON}|Z)" if count <= 3 else f"(?:GMT{_OFFSET_COLON}|GMT|Z)"
    if letter == "z":
        return r"(?:[A-Z][A-Za-z]{1,5}(?:[+-]\d{1,2}(?::\d{2})?)?|[A-Za-z_]+/[A-Za-z_/+-]+)"
    if letter == "V":
        return r"(?:[A-Za-z_]+/[A-Za-z_/+-]+|UTC|GMT|Z)"
    if letter == "O":
        return r"GMT(?:[+-]\d{1,2}(?::\d{2})?)?"
    raise MatchingRuleError(f"date/time pattern letter {letter!r} is not supported")


_CACHE: dict[str, re.Pattern[str]] = {}
# Numeric year, month and day fields are captured so that impossible dates (31 February) are rejected.
_GROUPS = {"y": "year", "u": "year", "M": "month", "d": "day"}


def is_valid_date(match: re.Match[str]) -> bool:
    """False when the year/month/day a pattern captured do not form a calendar date."""
    groups = match.groupdict()
    day = groups.get("day")
    if not day:
        return True
    month = int(groups["month"]) if groups.get("month") else 1
    year_text = groups.get("year")
    year = int(year_text) if year_text and year_text.lstrip("+-").isdigit() else 2000
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return int(day) <= (29 if leap else 28)
    return int(day) <= (30 if month in (4, 6, 9, 11) else 31)


def java_pattern_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regex that fully matches the text the Java date/time `pattern` produces."""
    cached = _CACHE.get(pattern)
    if cached is not None:
        return cached
    parts: list[str] = []
    named: set[str] = set()
    optional_depth = 0
    pos = 0
    while pos < len(pattern):
        char = pattern[pos]
        if char == "'":
            end = pattern.find("'", pos + 1)
            if end == pos + 1:
                parts.append("'")
                pos += 2
                continue
            if end < 0:
                raise MatchingRuleError(f"date/time pattern {pattern!r} has an unterminated quote")
            parts.append(re.escape(pattern[pos + 1 : end]))
            pos = end + 1
        elif char == "[":
            parts.append("(?:")
            optional_depth += 1
            pos += 1
        elif char == "]" and optional_depth:
            parts.append(")?")
            optional_depth -= 1
            pos += 1
        elif char.isascii() and char.isalpha():
            run = pos
            while run < len(pattern) and pattern[run] == char:
                run += 1
            count = run - pos
            try:
                fragment = _fragment(char, count)
            except MatchingRuleError as exc:
                raise MatchingRuleError(f"date/time pattern {pattern!r}: {exc}") from None
            group = (
                _GROUPS.get(char)
                if (char != "M" or count <= 2) and (char not in "yu" or count != 2)
                else None
            )
            if group is not None and group not in named:
                named.add(group)
                fragment = f"(?P<{group}>{fragment})"
            parts.append(fragment)
            pos = run
        else:
            parts.append(re.escape(char))
            pos += 1
    parts.append(")?" * optional_depth)
    compiled = re.compile("".join(parts))
    _CACHE[pattern] = compiled
    return compiled
