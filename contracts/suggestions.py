""" "Did you mean ...?" for a misspelled pacticipant name: the nearest known names, by difflib."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest_names(name: str, known: Iterable[str], *, limit: int = 3) -> list[str]:
    """The known names closest to ``name`` (case-insensitively), best first; none when nothing is close."""
    by_folded: dict[str, str] = {}
    for candidate in known:
        by_folded.setdefault(candidate.casefold(), candidate)
    matches = difflib.get_close_matches(name.casefold(), list(by_folded), n=limit, cutoff=0.6)
    return [by_folded[match] for match in matches]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'Stock'?"`` (or two or three names), or ``""`` when no known name is close."""
    names = nearest_names(name, known)
    if not names:
        return ""
    quoted = [repr(n) for n in names]
    shown = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"; did you mean {shown}?"
