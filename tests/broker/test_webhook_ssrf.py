"""Webhook targets that are not globally routable are refused, whatever form the address takes:
shared address space (100.64.0.0/10, Alibaba Cloud's metadata 100.100.100.200), IPv4-mapped, 6to4,
Teredo, NAT64 and IPv4-compatible IPv6 forms of private addresses - when the webhook is saved, and
again at delivery time after DNS resolution."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from broker.webhooks.delivery import RenderedRequest, deliver
from broker.webhooks.targets import TargetPolicy, TargetRefused
from tests.broker.webhook_receiver import broker_in_thread, webhook_settings

NOT_GLOBAL = {
    "https://100.100.100.200/latest/meta-data": "a shared (carrier-grade NAT, cloud metadata) address",
    "https://100.64.0.1/hook": "a shared (carrier-grade NAT, cloud metadata) address",
    "https://[::ffff:10.0.0.1]/hook": "a private address",
    "https://[::ffff:169.254.169.254]/hook": "a link-local address",
    "https://[::ffff:100.100.100.200]/hook": "a shared (carrier-grade NAT, cloud metadata) address",
    "https://[2002:a9fe:a9fe::1]/hook": "a link-local address",  # 6to4 of 169.254.169.254
    "https://[2002:7f00:1::]/hook": "a loopback address",  # 6to4 of 127.0.0.1
    "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook": "a private address",  # Teredo
    "https://[64:ff9b::a9fe:a9fe]/hook": "a link-local address",  # NAT64 of 169.254.169.254
    "https://[::a00:1]/hook": "a private address",  # IPv4-compatible 10.0.0.1
    "https://192.0.0.1/hook": "a private address",
    "https://198.18.0.1/hook": "a private address",
}


def test_definition_time_refuses_every_non_global_form(tmp_path: Path) -> None:
    settings = webhook_settings(
        f"sqlite:///{tmp_path / 'b.db'}", webhook_host_allow_list=(), webhook_scheme_allow_list=("https",)
    )
    with broker_in_thread(settings) as broker, httpx.Client(base_url=broker.url) as client:
        for url, kind in NOT_GLOBAL.items():
            response = client.post("/webhooks", json={"request": {"method": "POST", "url": url}})
            assert response.status_code == 400, (url, response.text)
            message = response.json()["errors"]["request.url"][0]
            assert kind in message, (url, message)
            assert "TETHER_WEBHOOK_HOST_ALLOW_LIST" in message
        assert client.get("/webhooks").json()["_links"]["pb:webhooks"] == []
        public_6to4 = client.post(  # 6to4 of the public 93.184.215.14
            "/webhooks", json={"request": {"method": "POST", "url": "https://[2002:5db8:d70e::1]/hook"}}
        )
        assert public_6to4.status_code == 201, public_6to4.text


@pytest.mark.parametrize(
    ("resolved", "shown"),
    [
        ("100.100.100.200", "100.100.100.200, a shared (carrier-grade NAT, cloud metadata) address"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1 (carrying 127.0.0.1), a loopback address"),
        ("2002:0a00:0001::1", "2002:a00:1::1 (carrying 10.0.0.1), a private address"),
        ("64:ff9b::7f00:1", "64:ff9b::7f00:1 (carrying 127.0.0.1), a loopback address"),
    ],
)
def test_delivery_time_refuses_a_name_that_now_resolves_to_a_non_global_address(
    resolved: str, shown: str
) -> None:
    policy = TargetPolicy(resolver=lambda host: [resolved] if host == "hooks.example.com" else [])
    request = RenderedRequest(method="POST", url="https://hooks.example.com/x", headers={}, body="{}")
    outcome = deliver(request, policy, timeout=5)
    assert outcome.success is False
    assert outcome.status is None  # nothing was sent
    assert outcome.error is not None
    assert f"host 'hooks.example.com' resolves to {shown};" in outcome.error
    assert "Webhook target refused" in outcome.text


def test_an_allow_list_cidr_covers_the_embedded_ipv4_address() -> None:
    policy = TargetPolicy(host_allow_list=("10.0.0.0/8",))
    assert [str(a) for a in policy.check_url("https://[::ffff:10.1.2.3]/x")] == ["::ffff:a01:203"]
    with pytest.raises(TargetRefused, match="not in the webhook host allow-list"):
        policy.check_url("https://[::ffff:192.168.0.1]/x")
