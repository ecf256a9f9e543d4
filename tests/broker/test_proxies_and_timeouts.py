"""``X-Forwarded-*`` is believed only from TETHER_TRUSTED_PROXIES (HAL links, webhook pact URLs);
``Origin`` is checked against the configured base URLs; malformed ``Host``/``Origin`` are 400s; a
client that never completes its request head is disconnected (the header-read timeout)."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from broker.settings import Role
from tests.broker.conftest import LocalBroker, LocalBrokerFactory
from tests.broker.test_publishing import make_pact, publish_body
from tests.broker.webhook_receiver import broker_in_thread, receiver, webhook_settings

SPOOF = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-Port": "8443"}


def test_forwarded_headers_from_an_untrusted_client_are_ignored(local_broker: LocalBroker) -> None:
    links = httpx.get(local_broker.url + "/", headers=SPOOF).json()["_links"]
    assert links["pb:pacticipants"]["href"] == f"{local_broker.url}/pacticipants"


def test_forwarded_headers_from_a_trusted_proxy_build_the_links(
    local_broker_factory: LocalBrokerFactory,
) -> None:
    with local_broker_factory(trusted_proxies=("127.0.0.0/8",)) as broker:
        links = httpx.get(broker.url + "/", headers=SPOOF).json()["_links"]
        assert links["pb:pacticipants"]["href"] == "https://evil.example:8443/pacticipants"
        first_of_a_chain = {"X-Forwarded-Host": "proxy.example, inner.local", "X-Forwarded-Proto": "https"}
        links = httpx.get(broker.url + "/", headers=first_of_a_chain).json()["_links"]
        assert links["pb:pacticipants"]["href"] == "https://proxy.example/pacticipants"
    with local_broker_factory(trusted_proxies=("10.0.0.0/8",)) as broker:  # loopback is not listed
        links = httpx.get(broker.url + "/", headers=SPOOF).json()["_links"]
        assert links["pb:pacticipants"]["href"] == f"{broker.url}/pacticipants"


def test_a_webhook_pact_url_ignores_spoofed_forwarded_headers(tmp_path: Path) -> None:
    settings = webhook_settings(f"sqlite:///{tmp_path / 'b.db'}")
    with receiver() as rx, broker_in_thread(settings) as broker, httpx.Client(base_url=broker.url) as http:
        hook = {
            "events": [{"name": "contract_content_changed"}],
            "request": {"method": "POST", "url": rx.url + "/hook", "body": {"pact": "${pactbroker.pactUrl}"}},
        }
        assert http.post("/webhooks", json=hook).status_code == 201
        assert (
            http.post("/contracts/publish", json=publish_body(make_pact()), headers=SPOOF).status_code == 200
        )
        (delivery,) = rx.wait_for(1)
        pact_url = json.loads(delivery.body)["pact"]
        assert pact_url.startswith(f"{broker.url}/pacts/provider/OrderApi/consumer/OrderWeb/pact-version/")


def test_origin_is_checked_against_the_configured_base_url_not_the_host(
    local_broker_factory: LocalBrokerFactory,
) -> None:
    with local_broker_factory(base_urls=("https://broker.example.com",)) as broker:
        # a DNS-rebinding page: the browser sends the page's own host as Host and as Origin
        host = urlsplit(broker.url).netloc
        rebound = httpx.post(
            broker.url + "/pacticipants",
            json={"name": "Rebound"},
            headers={"Origin": broker.url, "Host": host},
        )
        assert rebound.status_code == 403
        assert "Cross-site request refused" in rebound.json()["errors"]["origin"][0]
        allowed = httpx.post(
            broker.url + "/pacticipants",
            json={"name": "Fine"},
            headers={"Origin": "https://broker.example.com"},
        )
        assert allowed.status_code == 201


@pytest.mark.parametrize("origin", ["http://[::1", "http://broker:99999", "http://a]b:80"])
def test_a_malformed_origin_is_a_400(local_broker_factory: LocalBrokerFactory, origin: str) -> None:
    with local_broker_factory(tokens={"secret": Role.WRITE}) as broker:
        response = httpx.post(broker.url + "/pacticipants", json={"name": "X"}, headers={"Origin": origin})
        assert response.status_code == 400, response.text
        assert "is not a valid origin" in response.json()["errors"]["origin"][0]


def _raw_request(url: str, head: bytes) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


@pytest.mark.parametrize("host", [b"bad host", b"[::1", b"broker:99999", b"a/b"])
def test_a_malformed_host_is_a_400_before_auth(local_broker_factory: LocalBrokerFactory, host: bytes) -> None:
    with local_broker_factory(tokens={"secret": Role.WRITE}) as broker:
        answer = _raw_request(
            broker.url, b"GET /pacticipants HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
        )
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line == b"HTTP/1.1 400 Bad Request", answer
        body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
        assert "is not a valid host" in body["errors"]["host"][0]


def test_a_client_that_never_finishes_its_request_head_is_disconnected(
    local_broker: LocalBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TETHER_HEADER_READ_TIMEOUT_SECONDS", "0.5")
    # a fresh connection: the server closes it without an answer (recv returns EOF, not the socket timeout)
    assert _raw_request(local_broker.url, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ") == b""
    # a complete request still gets its answer
    answer = _raw_request(local_broker.url, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK")


def _answer(sock: socket.socket) -> bytes:
    """One whole response (head and Content-Length body) read from a kept-alive connection."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        if not chunk:
            return received
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_a_kept_alive_connection_outlives_the_header_read_timeout_while_idle(
    local_broker_factory: LocalBrokerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpx and Node expire idle connections after 5 s: the broker must keep them longer, or a client
    # reuses one at the moment it is closed and its request fails with a read error
    monkeypatch.setenv("TETHER_HEADER_READ_TIMEOUT_SECONDS", "0.3")
    monkeypatch.delenv("TETHER_KEEP_ALIVE_SECONDS", raising=False)
    with local_broker_factory() as broker:
        parts = urlsplit(broker.url)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(b"GET /diagnostic/status/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            first = _answer(sock)
            assert first.startswith(b"HTTP/1.1 200 OK"), first
            time.sleep(1.0)  # idle longer than the header-read timeout, well within the keep-alive
            sock.sendall(b"GET /diagnostic/status/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            second = _answer(sock)
            assert second.startswith(b"HTTP/1.1 200 OK"), second
            assert json.loads(second.partition(b"\r\n\r\n")[2]) == json.loads(first.partition(b"\r\n\r\n")[2])


def test_a_kept_alive_connection_trickling_its_next_request_head_is_closed(
    local_broker_factory: LocalBrokerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TETHER_HEADER_READ_TIMEOUT_SECONDS", "0.3")
    monkeypatch.setenv("TETHER_KEEP_ALIVE_SECONDS", "1")
    with local_broker_factory() as broker:
        parts = urlsplit(broker.url)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(b"GET /diagnostic/status/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert _answer(sock).startswith(b"HTTP/1.1 200 OK")
            sock.sendall(b"GET /diagnostic/status/heartbeat HTTP/1.1\r\n")
            closed = False
            for _ in range(40):  # a header byte every 0.1 s cancels uvicorn's keep-alive timer
                try:
                    sock.sendall(b"X")
                except OSError:
                    closed = True
                    break
                sock.settimeout(0.1)
                try:
                    if sock.recv(1) == b"":
                        closed = True
                        break
                except TimeoutError:
                    pass
            assert closed, "a connection trickling its request head for 4 s was not closed (deadline 1.3 s)"
