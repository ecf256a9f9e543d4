"""Set-up shared by the contract-path tests: the example pacts, and an audited pytest run of client tests
against a real FastAPI provider whose OpenAPI document is the contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

import mocking.audit.plugin  # noqa: F401  (imported once, outside pytester's in-process runs)
from brokerclient.contract_source import ContractSet, load_pact_files

EXAMPLES = Path(__file__).parents[3] / "examples" / "pacts"


def example_contracts() -> ContractSet:
    """The example project's pacts for OrdersApi."""
    return load_pact_files([EXAMPLES], "OrdersApi")


class Order(BaseModel):
    id: int
    status: str
    total: float


class NewOrder(BaseModel):
    sku: str
    quantity: int


def orders_provider() -> FastAPI:
    app = FastAPI(title="OrdersApi")

    @app.get("/orders/{order_id}", responses={404: {"description": "no such order"}})
    def get_order(order_id: int) -> Order:
        return Order(id=order_id, status="open", total=12.5)

    @app.post("/orders", status_code=201)
    def create_order(order: NewOrder) -> Order:
        return Order(id=1, status="open", total=9.5 * order.quantity)

    return app


@dataclass(frozen=True)
class AuditRun:
    result: pytest.RunResult
    document: dict[str, Any]  # the --tether-audit-json report

    def mocks(self) -> list[tuple[Any, ...]]:
        """Each recorded mock as (test, library, method, url, status, finding codes)."""
        return [
            (
                m["test"].split("::")[1],
                m["library"],
                m["method"],
                m["url"],
                m["status"],
                [f["code"] for f in m["findings"]],
            )
            for m in self.document["mocks"]
        ]


RunAudit = Callable[[str], AuditRun]


@pytest.fixture
def run_audit(pytester: pytest.Pytester, tmp_path: Path) -> RunAudit:
    """``run_audit(client_tests_source)`` runs those tests audited against ``orders_provider``'s OpenAPI."""
    spec = tmp_path / "orders-openapi.json"
    spec.write_text(json.dumps(orders_provider().openapi()))
    report = tmp_path / "audit.json"

    def run(client_tests: str) -> AuditRun:
        pytester.makepyfile(test_client=client_tests)
        result = pytester.runpytest(
            "-p", "no:cacheprovider", f"--tether-audit=OrdersApi={spec}", f"--tether-audit-json={report}"
        )
        return AuditRun(result, json.loads(report.read_text()))

    return run
