"""The pytest side of the mock audit (registered by :mod:`mocking.pytest_plugin` only when
``--tether-audit`` is given)."""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path

import pytest

from brokerclient.errors import BrokerClientError
from brokerclient.option_specs import values_from_pytest
from contracts.findings import Finding
from mocking.audit.aiohttp_mocks import install_aioresponses_recording
from mocking.audit.contract_check import PactIndex, check_mock_against_pacts
from mocking.audit.observed import concrete
from mocking.audit.pact_writer import write_pacts
from mocking.audit.patched_calls import install_patch_recording
from mocking.audit.recorder import RecordedMock, Recorder
from mocking.audit.report import AuditResult, CheckedMock, render
from mocking.audit.spec_check import SpecAudit
from mocking.audit.targets import AuditTarget, parse_targets, target_for
from mocking.errors import MockingError


def _merged(spec_findings: list[Finding], pact_findings: list[Finding]) -> list[Finding]:
    """The spec's findings, then the pacts' ones it does not already say (path and status verdicts)."""
    spec_codes = {f.code for f in spec_findings}
    merged = list(spec_findings)
    for finding in pact_findings:
        if (
            finding.code.startswith("request.path-or-method.")
            and "request.path-or-method.unknown" in spec_codes
        ):
            continue
        if finding.code == "response.status.unknown" and finding.code in spec_codes:
            continue
        merged.append(finding)
    return merged


class AuditPlugin:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        try:
            self.targets = parse_targets(
                list(config.getoption("--tether-audit")),
                list(config.getoption("--tether-audit-host")),
                values_from_pytest(config),
            )
        except (MockingError, BrokerClientError) as exc:
            raise pytest.UsageError(str(exc)) from exc
        self.strict = bool(config.getoption("--tether-audit-strict"))
        self.pact_dir = config.getoption("--tether-audit-pact")
        self.json_file = config.getoption("--tether-audit-json")
        self.consumer = config.getoption("--tether-audit-consumer") or Path(str(config.rootpath)).name
        self.recorder = Recorder()
        self.libraries = self.recorder.install(
            (("unittest.mock", install_patch_recording), ("aioresponses", install_aioresponses_recording))
        )
        self.result: AuditResult | None = None
        self.written: list[Path] = []
        self._spec_audits: dict[str, SpecAudit] = {}
        self._pact_indexes: dict[str, PactIndex] = {}

    # ------------------------------------------------------------------------------ hooks

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, object, object]:
        self.recorder.current_test = item.nodeid
        marker = item.get_closest_marker("tether_fault")
        self.recorder.current_fault = (
            tuple(int(status) for status in marker.args) if marker is not None else None
        )
        try:
            return (yield)
        finally:
            self.recorder.current_test = "(outside a test)"
            self.recorder.current_fault = None

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_teardown(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, None, None]:
        self.recorder.snapshot()  # before fixtures (pytest-httpx's httpx_mock) forget their requests
        return (yield)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.result = self.audit(self.recorder.resolved())
        if self.pact_dir:
            by_provider: dict[str, list[RecordedMock]] = {}
            for checked in self.result.checked:
                if checked.target is not None:
                    by_provider.setdefault(checked.target.provider, []).append(checked.mock)
            self.written = write_pacts(self.consumer, by_provider, Path(self.pact_dir))
        if self.json_file:
            Path(self.json_file).write_text(
                json.dumps(self.result.to_json(), indent=2, default=str) + "\n", encoding="utf-8"
            )
        if self.strict and self.result.error_count and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.result is None:
            return
        render(self.result, terminalreporter, strict=self.strict)
        for path in self.written:
            terminalreporter.write_line(f"tether audit: wrote consumer pact {path}")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.recorder.uninstall()

    # ------------------------------------------------------------------------------ checks

    def _spec_audit(self, target: AuditTarget) -> SpecAudit | None:
        if target.spec is None:
            return None
        if target.provider not in self._spec_audits:
            self._spec_audits[target.provider] = SpecAudit.build(target.spec, target.base_paths)
        return self._spec_audits[target.provider]

    def _pact_index(self, target: AuditTarget) -> PactIndex | None:
        if target.contracts is None:
            return None
        if target.provider not in self._pact_indexes:
            self._pact_indexes[target.provider] = PactIndex.build(target.contracts)
        return self._pact_indexes[target.provider]

    def audit(self, mocks: list[RecordedMock]) -> AuditResult:
        checked: list[CheckedMock] = []
        for recorded in mocks:
            found = concrete(recorded)
            if not found.mocks:
                checked.append(CheckedMock(recorded, None, note=found.note))
            for mock in found.mocks:
                checked.append(self._check(mock, found.note))
        return AuditResult(self.targets, checked)

    def _check(self, mock: RecordedMock, how: str) -> CheckedMock:
        target = target_for(mock.host, self.targets)
        if target is None:
            return CheckedMock(mock, None, note=f"host {mock.host}")
        spec_audit = self._spec_audit(target)
        findings = spec_audit.check(mock) if spec_audit is not None else []
        pact_index = self._pact_index(target)
        if pact_index is not None:
            pact_findings = check_mock_against_pacts(
                mock, pact_index, spec_present=spec_audit is not None, base_paths=target.base_paths
            )
            findings = _merged(findings, pact_findings)
        notes = [how] if how else []
        if mock.dynamic:
            notes.append("dynamic response (callback or side effect): only the request was checked")
        faults: list[Finding] = []
        if mock.fault is not None and (not mock.fault or mock.status in mock.fault):
            # declared intentional by @pytest.mark.tether_fault: the response is a fault, not drift
            faults = [f for f in findings if f.code.startswith("response.")]
            findings = [f for f in findings if not f.code.startswith("response.")]
        return CheckedMock(mock, target, findings, "; ".join(notes), faults)
