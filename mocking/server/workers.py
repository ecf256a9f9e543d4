"""``tether mock serve --workers N``: N processes serving one port, with one journal for the admin API.

Each worker is a forked copy of the loaded mock (the pacts are parsed and compiled once, before the fork;
``gc.freeze`` keeps the shared pages shared) listening on its own socket bound to the same port with
``SO_REUSEPORT``, so the kernel spreads connections over the workers without a thundering herd.

The journal, call counts and unmatched count stay in each worker's memory, exactly as with one process,
so serving a request costs nothing more. Each worker also listens on a private Unix socket (in a 0700
directory) for its siblings: an admin request, whichever worker gets it, asks every worker for its part
(:class:`PeerGroup`, newline-terminated JSON) and merges them: journal entries by time (renumbered across
workers), call counts summed; reset, journal clearing and reload are done by every worker. A worker
records a request before it sends the answer, so a client that got its answer finds it in the journal,
whichever worker serves the admin request.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from mocking.errors import MockServerError

LocalOp = Callable[[dict[str, Any]], Awaitable[Any]]
PEER_TIMEOUT = 30.0


class PeerGroup:
    """The control sockets of all workers, and this worker's own (``index``)."""

    def __init__(self, paths: Sequence[str], index: int) -> None:
        self.paths = list(paths)
        self.index = index
        self._server: asyncio.AbstractServer | None = None

    async def start(self, local_op: LocalOp) -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                request = json.loads(await reader.readline())
                answer: Any = await local_op(request)
                writer.write(json.dumps(answer, default=str).encode())
                await writer.drain()
            finally:
                writer.close()

        self._server = await asyncio.start_unix_server(handle, path=self.paths[self.index])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _ask(self, path: str, request: dict[str, Any]) -> Any:
        reader, writer = await asyncio.open_unix_connection(path)
        try:
            writer.write(json.dumps(request).encode() + b"\n")
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
        return json.loads(data)

    async def gather(self, request: dict[str, Any]) -> list[Any]:
        """``request`` done by every worker, their answers in worker order."""
        try:
            return list(
                await asyncio.wait_for(
                    asyncio.gather(*(self._ask(path, request) for path in self.paths)), PEER_TIMEOUT
                )
            )
        except (OSError, ValueError, TimeoutError) as exc:
            raise MockServerError(f"a mock worker did not answer the admin request: {exc}") from exc


def bind_reuse_port(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` listening sockets on the same (host, port) with SO_REUSEPORT (port 0: one free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(2048)
            port = sock.getsockname()[1]
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise MockServerError(
            f"cannot listen on {host}:{port} with {count} workers: {exc.strerror} (choose another --port, "
            "or --port 0 to let the system pick a free one)"
        ) from exc
    return sockets


def run_workers(
    sockets: Sequence[socket.socket], run_worker: Callable[[socket.socket, PeerGroup], None]
) -> int:
    """Fork one worker per socket (``run_worker(sock, peers)`` in each) and wait for them; SIGTERM and
    SIGINT are passed on. When a worker dies, the others are stopped. Returns the exit status."""
    directory = tempfile.mkdtemp(prefix="tether-mock-")
    os.chmod(directory, 0o700)
    paths = [str(Path(directory) / f"worker-{index}.sock") for index in range(len(sockets))]
    gc.collect()
    gc.freeze()  # the loaded mock stays in pages shared with the workers
    children: dict[int, int] = {}
    for index, sock in enumerate(sockets):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the worker (measured by the real-process tests)
            status = 0
            try:
                for other in sockets:
                    if other is not sock:
                        other.close()
                run_worker(sock, PeerGroup(paths, index))
            except BaseException:  # a worker reports and exits; the parent stops the others
                import traceback

                traceback.print_exc()
                status = 1
            finally:
                sys.stderr.flush()
                os._exit(status)
        children[pid] = index
    for sock in sockets:
        sock.close()
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    status = 0
    try:
        while children:
            try:
                pid, code = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries; kept for old platforms
                continue
            if pid not in children:
                continue
            index = children.pop(pid)
            if not stopping:
                print(
                    f"tether mock: worker {index} exited ({os.waitstatus_to_exitcode(code)}); stopping the others",
                    file=sys.stderr,
                )
                status = 1
                stop(signal.SIGTERM, None)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(directory, ignore_errors=True)
    return status
