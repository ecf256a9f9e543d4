"""Small FastAPI providers the load tests run under uvicorn on loopback.

`app` serves a catalogue whose routes each misbehave in one way a load run must classify:

- ``GET /items``: answers as the contract says;
- ``GET /drift``: answers 200 with a string id where the contract says integer (contract drift);
- ``GET /busy``: answers 503, which no contract lists (availability);
- ``GET|DELETE /things/7``: the resource of the provider state "thing 7 exists", which
  ``POST /_states`` (re)creates; a DELETE removes it; ``POST /things`` creates another thing;
- ``GET /secure``: 401 unless ``Authorization: Bearer t0k3n``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

TOKEN = "t0k3n"

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
things: set[int] = set()


@app.get("/items")
async def items() -> JSONResponse:
    return JSONResponse([{"id": 1, "name": "cup"}])


@app.get("/drift")
async def drift() -> JSONResponse:
    return JSONResponse({"id": "1", "name": "cup"})


@app.get("/busy")
async def busy() -> JSONResponse:
    return JSONResponse({"error": "overloaded"}, status_code=503)


@app.post("/_states")
async def states(request: Request) -> JSONResponse:
    change: dict[str, Any] = await request.json()
    if change.get("state") == "thing 7 exists":
        things.add(7)
        return JSONResponse({})
    return JSONResponse({"error": f"unknown state {change.get('state')!r}"}, status_code=400)


@app.post("/things")
async def create_thing() -> JSONResponse:
    thing_id = max(things | {99}) + 1
    things.add(thing_id)
    return JSONResponse({"id": thing_id}, status_code=201)


@app.get("/things/{thing_id}")
async def read_thing(thing_id: int) -> Response:
    if thing_id not in things:
        return JSONResponse({"error": "not found"}, status_code=404)
    return JSONResponse({"id": thing_id})


@app.delete("/things/{thing_id}")
async def delete_thing(thing_id: int) -> Response:
    if thing_id not in things:
        return JSONResponse({"error": "not found"}, status_code=404)
    things.discard(thing_id)
    return Response(status_code=204)


@app.get("/secure")
async def secure(request: Request) -> JSONResponse:
    if request.headers.get("authorization") != f"Bearer {TOKEN}":
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    return JSONResponse({"id": 1, "name": "cup"})
