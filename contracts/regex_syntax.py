"""A cheap, conservative test that a regular expression compiles, for checking thousands of them at once.

`tether pact validate` and every command that loads pacts must reject a regex that does not compile, so
a pact of 10,000 interactions with one path regex each used to compile 10,000 patterns before the first
request (a third of the check). Most pact regexes are simple: literal text, ``.``, the classes ``\\d \\w
\\s``, bracket classes of letters and digits, ``* + ?`` and ``|``. :func:`certainly_compiles` recognises
that subset with one precompiled pattern; every string it accepts is a valid Python regex (a property
test checks it against ``re.compile``). It says nothing about the rest: the caller compiles those, so
their errors are the compiler's own.
"""

from __future__ import annotations

import re

# Outside a class: characters that are never special (no "#": special under (?x), which needs a group).
_LITERAL = r"[A-Za-z0-9/_\-:;,=@~%&!'\"<> ]"
# Escapes Python reads as a class or as the escaped punctuation itself (letters other than these fail).
_ESCAPE = r"\\[dDwWsS.\\/\-()\[\]{}*+?|^$:]"
# Inside a class: ranges in order, plain characters, escapes; no bare "-", no "]" first, no "[:...:]".
_CLASS_ITEM = r"(?:0-9|a-z|A-Z|a-f|A-F|[A-Za-z0-9_.:/ ]|\\[dDwWsS.\\/\-\[\]^])"
_CLASS = rf"\[\^?{_CLASS_ITEM}+\]"
_ATOM = rf"(?:{_LITERAL}|{_ESCAPE}|\.|{_CLASS})"
_QUANTIFIER = r"(?:[*+?]\??)?"
_SIMPLE = re.compile(rf"\^?(?:{_ATOM}{_QUANTIFIER}|\|)*\$?")


def certainly_compiles(pattern: str) -> bool:
    """True when ``pattern`` is in the simple subset above, so ``re.compile(pattern)`` cannot fail; False
    means "not known": compile it to find out."""
    return _SIMPLE.fullmatch(pattern) is not None
