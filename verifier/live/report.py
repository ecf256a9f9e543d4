"""Renderings of a :class:`ProviderVerification`: text (rich, with a summary table), JSON and JUnit XML."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from verifier.live.results import InteractionResult, Outcome, ProviderVerification, SelfCheckResult
from verifier.report.junit import junit_document

MARKS = {Outcome.PASSED: ("✔", "green"), Outcome.FAILED: ("✘", "red"), Outcome.SKIPPED: ("-", "yellow")}


def _mark(outcome: Outcome, pending: bool = False) -> Text:
    symbol, style = MARKS[outcome]
    if pending and outcome is Outcome.FAILED:
        return Text("! ", style="yellow")
    return Text(f"{symbol} ", style=style)


def _interaction_lines(item: InteractionResult) -> Iterator[Text]:
    line = _mark(item.outcome, item.pending)
    line.append(item.description)
    if item.provider_states:
        line.append(f"  [given {', '.join(item.provider_states)}]", style="dim")
    if item.pending and item.failed:
        line.append("  (pending: does not fail the build)", style="yellow")
    yield Text("    ") + line
    for mismatch in item.mismatches:
        where = f" {mismatch.path}" if mismatch.path else ""
        yield Text(
            f"        {mismatch.kind}{where}: {mismatch.message}",
            style="red" if not item.pending else "yellow",
        )


def _self_check_lines(check: SelfCheckResult) -> Iterator[Text]:
    yield Text(
        f"Self-verification: schemathesis {check.tool_version} of {check.spec} "
        f"({check.test_cases} test cases, seed {check.seed}; phases: "
        + ", ".join(f"{name} {status}" for name, status in check.phases.items())
        + ")",
        style="bold",
    )
    for operation in check.operations:
        line = Text("    ") + _mark(operation.outcome)
        line.append(operation.operation)
        if operation.codes:
            line.append("  " + ", ".join(operation.codes), style="red")
        yield line
        if operation.outcome is Outcome.FAILED:
            yield from _failure_details(operation.details)
    for failure in check.failures:
        yield Text(
            f"    {failure.code} {failure.title} (x{failure.count}): {', '.join(failure.operations)}",
            style="red",
        )
    for error in check.errors:
        yield Text(f"    error: {error}", style="red")


DETAIL_LINES = 14


def _failure_details(details: str) -> Iterator[Text]:
    """What schemathesis saw, as it reports it: the failed checks, received vs documented values and the
    `curl` command that reproduces the request (the first lines of each failure, indented)."""
    lines = [line.rstrip() for line in details.splitlines() if line.strip()]
    for line in lines[:DETAIL_LINES]:
        yield Text("        " + line.strip(), style="dim" if "curl" not in line else "")
    if len(lines) > DETAIL_LINES:
        yield Text(f"        ... ({len(lines) - DETAIL_LINES} more lines in --format junit)", style="dim")


def summary_table(result: ProviderVerification) -> Table:
    table = Table(title=Text(f"{result.provider}: verification summary"), title_justify="left")
    table.add_column("check")
    table.add_column("source")
    table.add_column("total", justify="right")
    table.add_column("passed", justify="right", style="green")
    table.add_column("failed", justify="right", style="red")
    table.add_column("pending", justify="right", style="yellow")
    table.add_column("verdict")
    if result.replay is not None:
        for consumer in result.replay.consumers:
            items = [i for i in result.replay.interactions if i.consumer == consumer]
            failed = sum(1 for i in items if i.blocks)
            table.add_row(
                "pact replay",
                Text(consumer),
                str(len(items)),
                str(sum(1 for i in items if i.outcome is Outcome.PASSED)),
                str(failed),
                str(sum(1 for i in items if i.failed and i.pending)),
                Text("FAILED", style="red") if failed else Text("passed", style="green"),
            )
        if result.replay.errors:
            table.add_row(
                "pact replay", "(run)", "", "", str(len(result.replay.errors)), "", Text("ERROR", style="red")
            )
    if result.self_check is not None:
        check = result.self_check
        table.add_row(
            "self-check",
            "schemathesis",
            str(len(check.operations)),
            str(sum(1 for o in check.operations if o.outcome is Outcome.PASSED)),
            str(sum(1 for o in check.operations if o.outcome is Outcome.FAILED)),
            "",
            Text("passed", style="green") if check.success else Text("FAILED", style="red"),
        )
    return table


def text_renderables(result: ProviderVerification) -> list[RenderableType]:
    parts: list[RenderableType] = []
    version = f" (provider version {result.provider_version})" if result.provider_version else ""
    if result.replay is not None:
        replay = result.replay
        lines: list[Text] = [
            Text(f"Pact verification of {result.provider} at {result.base_url}{version}", style="bold")
        ]
        for consumer in replay.consumers:
            lines.append(Text(f"  {consumer}", style="bold"))
            for item in replay.interactions:
                if item.consumer == consumer:
                    lines.extend(_interaction_lines(item))
        lines.extend(Text(f"  notice: {notice}", style="dim") for notice in replay.notices)
        lines.extend(Text(f"  error: {error}", style="red") for error in replay.errors)
        if replay.published:
            lines.append(Text("  verification results published to the broker", style="dim"))
        parts.append(Group(*lines))
    if result.self_check is not None:
        check_lines = list(_self_check_lines(result.self_check))
        if result.self_check.published:
            check_lines.append(
                Text("    provider contract and self-verification published to the broker", style="dim")
            )
        parts.append(Group(*check_lines))
    parts.append(summary_table(result))
    verdict = (
        Text(f"✔ {result.provider} verified", style="bold green")
        if result.success
        else Text(f"✘ {result.provider} verification FAILED", style="bold red")
    )
    parts.append(verdict)
    return parts


def print_text(console: Console, result: ProviderVerification) -> None:
    for part in text_renderables(result):
        console.print(part)
        console.print()


def render_text(result: ProviderVerification) -> str:
    buffer = io.StringIO()
    print_text(
        Console(file=buffer, width=120, color_system=None, force_terminal=False, soft_wrap=True), result
    )
    return buffer.getvalue()


def render_json(result: ProviderVerification) -> str:
    return json.dumps(result.to_json(), indent=2, default=str) + "\n"


def render_junit(result: ProviderVerification) -> str:
    root = ET.Element("testsuites", name=f"tether verify provider {result.provider}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}

    def suite(name: str) -> ET.Element:
        return ET.SubElement(root, "testsuite", name=name)

    def close(element: ET.Element, counts: dict[str, int]) -> None:
        for key, value in counts.items():
            element.set(key, str(value))
            totals[key] += value

    if result.replay is not None:
        for consumer in result.replay.consumers:
            element = suite(f"pact {consumer} -> {result.provider}")
            counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
            for item in result.replay.interactions:
                if item.consumer != consumer:
                    continue
                counts["tests"] += 1
                case = ET.SubElement(
                    element, "testcase", name=item.description, classname=f"{consumer}.{result.provider}"
                )
                if item.duration_ms is not None:
                    case.set("time", f"{item.duration_ms / 1000:.3f}")
                details = "\n".join(
                    f"{m.kind}{' ' + m.path if m.path else ''}: {m.message}" for m in item.mismatches
                )
                if item.failed and item.pending:
                    counts["skipped"] += 1
                    skipped = ET.SubElement(
                        case, "skipped", message="pending interaction failed (not blocking)"
                    )
                    skipped.text = details
                elif item.failed:
                    counts["failures"] += 1
                    first = item.mismatches[0]
                    failure = ET.SubElement(case, "failure", message=first.message, type=first.kind)
                    failure.text = details
            close(element, counts)
        if result.replay.errors:
            element = suite(f"pact verification of {result.provider}")
            case = ET.SubElement(element, "testcase", name="verification run", classname=result.provider)
            error = ET.SubElement(case, "error", message=result.replay.errors[0])
            error.text = "\n".join(result.replay.errors)
            close(element, {"tests": 1, "failures": 0, "errors": 1, "skipped": 0})
    if result.self_check is not None:
        check = result.self_check
        element = suite(f"self-verification {result.provider} (schemathesis)")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for operation in check.operations:
            counts["tests"] += 1
            case = ET.SubElement(
                element, "testcase", name=operation.operation, classname=f"{result.provider}.openapi"
            )
            if operation.outcome is Outcome.FAILED:
                counts["failures"] += 1
                failure = ET.SubElement(
                    case, "failure", message=", ".join(operation.codes), type="schemathesis"
                )
                failure.text = operation.details
            elif operation.outcome is Outcome.SKIPPED:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=operation.details[:200])
        for problem in check.errors:
            counts["tests"] += 1
            counts["errors"] += 1
            case = ET.SubElement(
                element, "testcase", name="schemathesis run", classname=f"{result.provider}.openapi"
            )
            ET.SubElement(case, "error", message=problem)
        close(element, counts)
    for key, value in totals.items():
        root.set(key, str(value))
    return junit_document(root)


FORMATS: dict[str, Callable[[ProviderVerification], str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
}
