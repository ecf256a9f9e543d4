"""Pacticipant names people cannot tell apart are refused.

A pacticipant name is shown in pages, CLI output and webhook payloads, and compared by people. So:

* it is in Unicode NFKC form (``"\\uff2frder"``, with a full-width O, is refused, naming ``"Order"``),
  so each name has exactly one spelling;
* it has no zero-width or bidirectional-control characters (Unicode category ``Cf``: U+200B, U+200D,
  U+202E, U+2066, ...), which make two different names look identical or reorder what is shown;
* it does not mix scripts with a letter that looks like a Latin one (a Cyrillic ``\\u043e`` in ``"\\u041erder"``),
  decided with the Unicode confusables data of the ``confusable-homoglyphs`` library;
* the broker's potential-duplicate check compares :func:`skeleton` forms: NFKC, case-folded, non-ASCII
  look-alikes mapped to their ASCII letter, punctuation dropped.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables  # type: ignore[import-untyped]

from broker.errors import ValidationFailed
from broker.services.names import check_name

BASE_ALIASES = ("LATIN", "COMMON")


def check_pacticipant_name(value: object, field: str, *, what: str = "pacticipant name") -> str:
    """The name, when it is an acceptable pacticipant name; ``ValidationFailed`` naming the problem."""
    name = check_name(value, field, what=what, allow_slash=False)
    for ch in name:
        if unicodedata.category(ch) == "Cf":
            raise ValidationFailed(
                f"The {what} {name!r} contains U+{ord(ch):04X} ({unicodedata.name(ch, 'a format character')}), "
                "an invisible zero-width or bidirectional-control character; remove it.",
                field=field,
            )
    normalised = unicodedata.normalize("NFKC", name)
    if normalised != name:
        raise ValidationFailed(
            f"The {what} {name!r} is not in Unicode normal form NFKC; use {normalised!r}.", field=field
        )
    lookalike = _latin_lookalike(name)
    if lookalike is not None:
        ch, script, latin = lookalike
        raise ValidationFailed(
            f"The {what} {name!r} mixes scripts: {ch!r} is a {script.title()} letter that looks like the Latin "
            f"{latin!r}; spell the name in one script.",
            field=field,
        )
    return name


def _latin_lookalike(name: str) -> tuple[str, str, str] | None:
    if not confusables.is_mixed_script(name):
        return None
    found = confusables.is_confusable(name, greedy=True, preferred_aliases=["latin"]) or []
    for entry in found:
        if entry["alias"] not in BASE_ALIASES:
            latin = [h["c"] for h in entry["homoglyphs"] if h["c"].isascii()]
            if latin:
                return str(entry["character"]), str(entry["alias"]), latin[0]
    return None


def skeleton(name: str) -> str:
    """The form two names share when people would take one for the other (case, punctuation, width,
    look-alike letters of other scripts)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(_ascii_lookalike(ch) for ch in folded if ch.isalnum())


@lru_cache(maxsize=4096)
def _ascii_lookalike(ch: str) -> str:
    if ch.isascii():
        return ch
    found = confusables.is_confusable(ch, preferred_aliases=["latin"]) or []
    for entry in found:
        for homoglyph in entry["homoglyphs"]:
            if homoglyph["c"].isascii() and homoglyph["c"].isalnum():
                return str(homoglyph["c"]).casefold()
    return ch
