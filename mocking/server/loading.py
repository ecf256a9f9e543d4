"""Loading pacts for the server, so that a long-running mock keeps only what it serves.

Parsing a pact file allocates every object of the JSON document; the mock keeps a fraction of them
(requests and matchers; responses become bytes). Freed objects interleaved with kept ones leave the
process's memory fragmented, so a 10,000-interaction pact would cost ~70 MB more than it needs. At
start-up the server therefore parses and prepares in a forked child process and receives the
prepared interactions pickled: the parent allocates only what it keeps.

Loading allocates hundreds of thousands of objects and frees none of them until it ends, which is the worst
case for the cyclic garbage collector: each generation-0 overflow triggers a collection, and the older
generations, which it scans again and again, only grow (for 10,000 interactions about a third of the
loading time, and two thirds of unpickling). :func:`collection_paused` turns it off for those two steps;
nothing they allocate is garbage until they return.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection

from brokerclient.contract_source import ContractSet
from brokerclient.errors import BrokerClientError
from mocking.errors import MockingError, MockServerError
from mocking.server import pickling
from mocking.server.interactions import MockInteraction, prepare_contracts, slim_contracts


@dataclass(slots=True)
class Prepared:
    """What the server serves: the (slimmed) contract set, its prepared interactions, a fingerprint;
    ``garbage`` is False when this process allocated only what it keeps (received from the loader process),
    so there are no parsing leftovers to collect."""

    contracts: ContractSet
    interactions: list[MockInteraction]
    fingerprint: tuple[tuple[str, str], ...]
    garbage: bool = True


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (restored on exit, also after an error)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(contracts: ContractSet, openapi_paths: tuple[str, ...] = ()) -> Prepared:
    interactions = prepare_contracts(contracts, openapi_paths)
    return Prepared(slim_contracts(contracts, interactions), interactions, contracts.fingerprint())


def _child(loader: Callable[[], ContractSet], connection: Connection, openapi_paths: tuple[str, ...]) -> None:
    gc.disable()  # for the life of this process: it allocates what it sends, then exits
    try:
        prepared = prepare(loader(), openapi_paths)
        message: tuple[str, object] = ("ok", prepared)
    except (MockingError, BrokerClientError) as exc:
        message = ("error", exc)
    except BaseException:  # report anything else to the parent instead of dying silently
        message = ("crash", traceback.format_exc())
    connection.send_bytes(pickling.dumps(message))
    connection.close()


def load_prepared(
    loader: Callable[[], ContractSet], *, isolated: bool = True, openapi_paths: tuple[str, ...] = ()
) -> Prepared:
    """``loader()`` then :func:`prepare`, in a forked child when ``isolated`` (and fork exists)."""
    if not isolated or not hasattr(os, "fork"):
        with collection_paused():
            return prepare(loader(), openapi_paths)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(loader, sender, openapi_paths), daemon=True)
    process.start()
    sender.close()
    try:
        data = receiver.recv_bytes()
    except EOFError as exc:
        process.join()
        raise MockServerError(
            f"loading the pacts failed: the loader process exited with {process.exitcode}"
        ) from exc
    finally:
        receiver.close()
    process.join()
    with collection_paused():
        kind, payload = pickle.loads(data)
    if kind == "ok":
        assert isinstance(payload, Prepared)
        payload.garbage = False
        return payload  # matchers and path regexes are compiled on first use, in this process
    if kind == "error":
        assert isinstance(payload, MockingError | BrokerClientError)
        raise payload
    raise MockServerError(f"loading the pacts failed:\n{payload}")
