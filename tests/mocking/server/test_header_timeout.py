"""Issue 13: a client that sends its request head byte by byte (or nothing) cannot hold a connection of
the mock for ever; `--header-timeout` closes it. Real sockets against `tether mock serve`."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from tests.mocking.conftest import MockServer

REQUEST = b"GET /orders?status=open HTTP/1.1\r\nHost: mock\r\n\r\n"


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _closed_while_trickling(port: int, head: bytes, *, seconds: float) -> bool:
    """Send ``head`` one byte every 50 ms for up to ``seconds``: did the server close the connection?"""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(0.05)
        started = time.monotonic()
        for byte in head:
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(1024) == b"":
                    return True
            except TimeoutError:
                pass
            except OSError:  # reset or broken pipe: closed
                return True
            if time.monotonic() - started > seconds:
                return False
        return False


def _read_response(sock: socket.socket) -> bytes:
    """One whole response (head and Content-Length body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, "connection closed"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(4096)
        assert chunk, "connection closed"
        body += chunk
    return head + b"\r\n\r\n" + body


def test_a_head_sent_byte_by_byte_gets_the_connection_closed(mock_server: MockServer, pact_dir: Path) -> None:
    slow_head = b"GET /orders HTTP/1.1\r\nHost: mock\r\n" + b"X-Slow: " + b"a" * 2000 + b"\r\n\r\n"
    with mock_server("--pact", str(pact_dir), "--header-timeout", "0.5") as url:
        assert _closed_while_trickling(_port(url), slow_head, seconds=20)


def test_a_silent_connection_is_closed(mock_server: MockServer, pact_dir: Path) -> None:
    with (
        mock_server("--pact", str(pact_dir), "--header-timeout", "0.5") as url,
        socket.create_connection(("127.0.0.1", _port(url))) as sock,
    ):
        sock.settimeout(20)
        assert sock.recv(1024) == b""  # closed by the server, not by our timeout (which would raise)


def test_prompt_requests_and_idle_keep_alive_connections_are_untouched(
    mock_server: MockServer, pact_dir: Path
) -> None:
    with (
        mock_server("--pact", str(pact_dir), "--header-timeout", "0.5") as url,
        socket.create_connection(("127.0.0.1", _port(url))) as sock,
    ):
        sock.settimeout(20)
        sock.sendall(REQUEST)
        assert _read_response(sock).startswith(b"HTTP/1.1 200")
        time.sleep(1.5)  # idle between requests: the keep-alive timeout's business, not the head deadline's
        sock.sendall(REQUEST)
        assert _read_response(sock).startswith(b"HTTP/1.1 200")
