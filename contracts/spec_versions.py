"""Pact specification versions: the normalised names ("1", "1.1", "2", "3", "4"), how pact files write
them ("3.0.0" in ``metadata.pactSpecification.version``) and the spellings people use ("V3", 3, "4.0")."""

from __future__ import annotations

import re

from contracts.errors import ContractError

SPEC_VERSIONS: tuple[str, ...] = ("1", "1.1", "2", "3", "4")
"""The normalised pact specification versions."""

SPEC_VERSION_STRINGS: dict[str, str] = {"1": "1.0.0", "1.1": "1.1.0", "2": "2.0.0", "3": "3.0.0", "4": "4.0"}
"""How each spec version is written in ``metadata.pactSpecification.version``."""

SPEC_VERSION_KEYS = ("pactSpecification", "pact-specification", "pactSpecificationVersion")
"""The metadata keys a pact file declares its spec version under (the first is current)."""

_VERSION = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def normalise_spec_version(value: object) -> str | None:
    """``"3.0.0"`` → ``"3"``, ``"V3"`` → ``"3"``, ``"1.1.0"`` → ``"1.1"``, ``"4.0"`` → ``"4"``, ``3`` → ``"3"``
    (patch levels are ignored); None for anything unknown."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    match = _VERSION.fullmatch(value.strip().lower().removeprefix("v"))
    if match is None:
        return None
    major, minor = match.group(1), match.group(2)
    if major == "1" and minor == "1":
        return "1.1"
    if major in {"1", "2", "3", "4"} and (minor is None or int(minor) == 0):
        return major
    return None


def spec_version(value: object) -> str:
    """:func:`normalise_spec_version`, raising :class:`ContractError` naming the accepted values."""
    normalised = normalise_spec_version(value)
    if normalised is None:
        raise ContractError(
            f"unknown pact specification version {value!r}: use one of {', '.join(SPEC_VERSIONS)} "
            f"(or {', '.join(SPEC_VERSION_STRINGS.values())})"
        )
    return normalised


def spec_at_least(version: str, minimum: str) -> bool:
    """True when ``version`` is ``minimum`` or later (both normalised)."""
    return SPEC_VERSIONS.index(version) >= SPEC_VERSIONS.index(minimum)
