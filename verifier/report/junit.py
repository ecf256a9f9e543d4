"""JUnit XML: one test suite per pact file, one test case per interaction; errors are failures,
warnings go to the test case's system-out."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from contracts.findings import Finding, VerificationReport

# characters XML 1.0 cannot hold, even escaped (control characters, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def junit_document(root: ET.Element) -> str:
    """The XML text of a JUnit tree. Pact descriptions, paths and bodies may hold characters XML cannot
    represent; they are written as visible ``\\xNN`` escapes so CI tools can still parse the report."""
    for element in root.iter():
        for key, value in list(element.attrib.items()):
            element.set(key, _xml_safe(value))
        if element.text:
            element.text = _xml_safe(element.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_junit(report: VerificationReport) -> str:
    by_case: dict[tuple[str, int | None], list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_case[(finding.mock.mock_file or "pact", finding.mock.interaction_index)].append(finding)
    suites_el = ET.Element("testsuites", name="tether verify openapi")
    files: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for source, index, description in report.checked:
        files[source].append((index, description))
    for key in by_case:  # findings about units that were not listed (defensive)
        if key[0] not in files:
            files[key[0]] = []
    total_tests = total_failures = 0
    for source, cases in files.items():
        suite = ET.SubElement(suites_el, "testsuite", name=source)
        failures = 0
        for index, description in cases:
            case = ET.SubElement(
                suite, "testcase", name=f"interactions[{index}] {description}", classname=source
            )
            found = by_case.get((source, index), [])
            errors = [f for f in found if f.is_error]
            warnings = [f for f in found if not f.is_error]
            if errors:
                failures += 1
                failure = ET.SubElement(case, "failure", message=errors[0].message, type=errors[0].code)
                failure.text = "\n".join(
                    f"{f.code}: {f.message} [pact {f.mock.location}] [spec {f.spec.pointer or f.spec.location}]"
                    for f in errors
                )
            if warnings:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(f"warning {f.code}: {f.message} [{f.mock.location}]" for f in warnings)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += len(cases)
        total_failures += failures
    suites_el.set("tests", str(total_tests))
    suites_el.set("failures", str(total_failures))
    return junit_document(suites_el)
