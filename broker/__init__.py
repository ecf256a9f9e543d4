"""Tether's Pact Broker-compatible broker (FastAPI + SQLModel + Alembic).

Conventions shared by everyone who adds to the broker
=====================================================

Layout
    ``broker/settings.py``   ``BrokerSettings``: every option, read from CLI options and ``TETHER_*``
                             environment variables (see its docstring for the full list).
    ``broker/db.py``         ``Database``: engines and transactions. Use ``db.read(fn)`` for queries and
                             ``db.write(fn)`` for changes; ``fn(session)`` is re-run from scratch on a
                             deadlock / lock timeout / unique-constraint race, so it must have no side
                             effects outside the session. SQLite runs in WAL mode with a busy timeout,
                             foreign keys on and ``BEGIN IMMEDIATE`` for writes; PostgreSQL via
                             ``postgresql+psycopg://``. ``broker.db.insert_ignore`` is the portable
                             ``INSERT ... ON CONFLICT DO NOTHING`` for find-or-create.
    ``broker/tables/``       SQLModel tables, one module per area (``core.py``: pacticipant, version,
                             branch, branch_version, tag, pact_version, pact_publication, integration).
                             Every module in the package is imported by ``broker.tables.load_all()``,
                             which Alembic's env.py calls: a new table module needs no registration.
    ``broker/migrations/``   Alembic. ``versions/0001_core.py`` is the root; other areas branch from it
                             (``down_revision = "0001_core"``) with their own revision ids, so the broker
                             always upgrades to ``heads``. Migrations run on start-up and via
                             ``tether broker migrate``.
    ``broker/app.py``        ``create_app(settings)``; each router is registered there with one line.
    ``broker/api/<area>.py`` FastAPI routers. Handlers parse, call one service function inside
                             ``ctx.db.read``/``ctx.db.write`` and render; no business logic.
    ``broker/services/<area>.py``  queries and decisions, callable without HTTP (take a ``Session``).
    ``broker/views/<area>.py``     HAL representations of service results.
    ``broker/hal.py``        ``Urls`` (absolute hrefs from the base URL; every path segment
                             percent-encoded), ``link()``, ``hal_response()`` (``application/hal+json``).
    ``broker/context.py``    ``RequestContext`` (settings, db, urls) via ``Depends(request_context)``.
    ``broker/errors.py``     ``BrokerError`` root; subclasses carry the HTTP status and render as
                             ``{"errors": {"<field>": ["message", ...]}}`` (400/401/403/404/409/413/415/422).
                             Raise them from services; never let a client mistake become a 5xx.
    ``broker/events.py``     ``emit(session, BrokerEvent(...))`` inside the causing transaction.
    ``broker/cli.py``        ``broker_group``: ``serve`` and ``migrate``.

Paths
    Names arrive percent-encoded in one path segment (``feat%2Fx``). ``broker.paths.RawPathMiddleware``
    routes on ``raw_path``; declare name parameters with the ``{name:seg}`` convertor
    (``/pacticipants/{pacticipant:seg}/branches/{branch:seg}``) so ``/`` inside a segment comes back.

Queries (mypy strict)
    Write column expressions with ``sqlmodel.col``: ``select(Version).where(col(Version.pacticipant_id) == p.id)``,
    ``col(Version.id).desc()``. Table model classes are in ``broker.tables.core`` (``Pacticipant``,
    ``Version``, ``Branch``, ``BranchVersion``, ``Tag``, ``PactVersion``, ``PactPublication``, ``Integration``).

Tests
    ``tests/broker/conftest.py``: ``broker_url`` (real ``tether broker serve`` subprocess, parametrised over
    SQLite and PostgreSQL), ``start_broker`` (factory with extra env), ``local_broker`` /
    ``local_broker_factory`` (uvicorn in a thread, SQLite, direct ``.db`` access).

Auth
    ``broker.auth``: bearer tokens and basic-auth users with roles read < write < admin. None configured
    means open. ``required_role(method, path)`` decides; POST ``.../for-verification`` is a read.
"""
