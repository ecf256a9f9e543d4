"""The UI's colours meet WCAG 2.1 AA contrast (4.5:1 for text) on the backgrounds they are used on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[3] / "broker" / "ui" / "static" / "tether.css").read_text()
TOKENS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _colour(name: str) -> str:
    return TOKENS[name[2:]] if name.startswith("--") else name


@pytest.mark.parametrize(
    ("foreground", "background"),
    [
        ("--text", "--bg"),
        ("--text", "--surface"),
        ("--muted", "--surface"),
        ("--muted", "--bg"),
        ("--brand", "--surface"),
        ("--brand", "--bg"),
        ("--brand-dark", "--brand-soft"),
        ("#ffffff", "--brand"),  # primary buttons
        ("--pass", "--pass-bg"),
        ("--fail", "--fail-bg"),
        ("--unk", "--unk-bg"),
        ("#d0d7de", "--top"),  # navigation links
        ("#afb8c1", "--top"),  # the role badge
        ("#4c1d95", "#ede9fe"),  # environment chips
        ("#5c3b00", "#fde68a"),  # production chips
        ("#e2e8f0", "#0f172a"),  # code blocks
        ("#0b4f1f", "#e6ffec"),  # diff: added
        ("#82071e", "#ffebe9"),  # diff: removed
    ],
)
def test_text_colours_meet_aa(foreground: str, background: str) -> None:
    assert contrast(_colour(foreground), _colour(background)) >= 4.5
