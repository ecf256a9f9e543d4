"""Tag and consumer selections, provider states and the editable parts of a generated file, run by
real Locust processes against FastAPI providers on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.loadgen.locust.pacts import http, list_items
from tests.loadgen.locust.runs import EXAMPLE_PACTS, FAST, SHORT, final_stats, generate, locust, run

pytestmark = pytest.mark.slow


def two_consumers(tmp_path: Path) -> Path:
    other = http("read the secure item", "GET", "/secure", 401)  # answered 401 without a token
    return generate(tmp_path, {"Web": [list_items()], "Mobile": [other]}, *FAST)


def test_a_tag_leaves_no_user_class_without_tasks(tmp_path: Path, catalogue_url: str) -> None:
    out = two_consumers(tmp_path)
    code, output = run(out, catalogue_url, "--tag", "consumer:Web", "--", "--json-file", tmp_path / "stats")
    assert code == 0, output
    assert "exception" not in output
    assert set(final_stats(tmp_path / "stats")) == {"GET /items (Web)"}

    plain = locust(out, "--host", catalogue_url, *SHORT, "--tags", "consumer:Web")
    assert plain.returncode == 0, plain.stderr
    assert "No tasks defined" not in plain.stderr
    assert "not started: MobileUser" in plain.stderr

    code, output = run(
        out, catalogue_url, "--exclude-tag", "consumer:Web", "--", "--json-file", tmp_path / "rest"
    )
    assert code == 0, output
    assert set(final_stats(tmp_path / "rest")) == {"GET /secure (Mobile)"}


def test_a_tag_no_task_has_is_a_usage_error(tmp_path: Path) -> None:
    out = two_consumers(tmp_path)
    code, output = run(out, "http://127.0.0.1:9", "--tag", "consumer:Nobody")
    assert code == 2, output
    assert (
        "has the tag(s) consumer:Nobody; its tags are: consumer:Mobile, consumer:Web, interaction:" in output
    )


def test_a_selection_that_leaves_nothing_stops_plain_locust_with_the_known_tags(tmp_path: Path) -> None:
    out = two_consumers(tmp_path)
    plain = locust(
        out, "--host", "http://127.0.0.1:9", *SHORT, "--exclude-tags", "consumer:Web", "consumer:Mobile"
    )
    assert plain.returncode == 2
    assert "no task is left after the tag selection" in plain.stderr
    assert "the tags are: consumer:Mobile, consumer:Web" in plain.stderr


def test_producers_run_only_for_the_tasks_that_need_them(tmp_path: Path, shop_url: str) -> None:
    """The example pacts read an order whose id comes from POST /orders: selecting the catalogue
    task runs no POST at all; selecting the order task runs the POST as its producer."""
    out = generate(tmp_path, EXAMPLE_PACTS, *FAST)
    code, output = run(
        out,
        shop_url,
        "--tag",
        "interaction:a-request-for-the-product-catalogue",
        "--",
        "--json-file",
        tmp_path / "a",
    )
    assert code == 0, output
    assert set(final_stats(tmp_path / "a")) == {"GET /products (OrderWeb)"}
    code, output = run(
        out,
        shop_url,
        "--tag",
        "interaction:a-request-for-an-order-s-status",
        "--",
        "--json-file",
        tmp_path / "b",
    )
    assert code == 0, output
    names = set(final_stats(tmp_path / "b"))
    assert names == {"GET /orders/{orderId} (OrderMobile)", "POST /orders (OrderMobile)"}


def stateful_pact() -> dict[str, list[dict[str, object]]]:
    """GET and DELETE of the literal thing 7, both given "thing 7 exists", and one stateless task."""
    read = http("read thing 7", "GET", "/things/7", 200, body={"id": 7}, states=("thing 7 exists",))
    delete = http("delete thing 7", "DELETE", "/things/7", 204, states=("thing 7 exists",))
    return {"Shop": [read, delete, list_items()]}


def test_states_are_set_up_before_every_task_that_needs_them(tmp_path: Path, catalogue_url: str) -> None:
    """Set up once per user, the first DELETE of thing 7 would break every later read of it."""
    out = generate(tmp_path, stateful_pact(), *FAST, "--state-change-url", "/_states")
    assert 'os.environ.get("TETHER_STATE_CHANGE_URL", "/_states")' in out.read_text()
    code, output = run(out, catalogue_url, "-u", "1", "--", "--json-file", tmp_path / "stats")
    assert code == 0, output
    stats = final_stats(tmp_path / "stats")
    assert stats["GET /things/{id} (Shop)"][0] > 0
    assert stats["DELETE /things/{id} (Shop)"][0] > 0
    assert all(failures == 0 for _, failures in stats.values()), stats

    code, output = run(out, catalogue_url, "--no-states", "--", "--json-file", tmp_path / "stateless")
    assert code == 0, output
    assert set(final_stats(tmp_path / "stateless")) == {"GET /items (Shop)"}

    code, output = run(out, catalogue_url, env={"TETHER_STATE_CHANGE_URL": "/elsewhere"})
    assert code == 1, output
    assert f"provider-state set-up of 'thing 7 exists' at {catalogue_url}/elsewhere failed" in output


def test_user_code_survives_regeneration_and_sets_headers_from_the_environment(
    tmp_path: Path, catalogue_url: str
) -> None:
    secure = {"Shop": [http("read the secure item", "GET", "/secure", 200, body={"id": 1, "name": "cup"})]}
    out = generate(tmp_path, secure, *FAST)
    hooks = out.with_name("locustfile_hooks.py")
    assert 'os.environ.get("LOAD_AUTH_TOKEN")' in hooks.read_text()
    hooks.write_text(hooks.read_text() + "\n# our own edit\n")
    out = generate(tmp_path, secure, *FAST)
    assert hooks.read_text().endswith("# our own edit\n")
    assert "t0k3n" not in out.read_text()

    code, output = run(out, catalogue_url, env={"LOAD_AUTH_TOKEN": "t0k3n"})
    assert code == 0, output
    code, output = run(out, catalogue_url, env={"LOAD_AUTH_TOKEN": ""})
    assert code == 1, output
    assert "contract drift: Shop: read the secure item x" in output


def test_a_delete_of_a_literal_id_deletes_a_resource_of_its_own_when_a_creator_exists(
    tmp_path: Path, catalogue_url: str
) -> None:
    """With two users, one user's DELETE of thing 7 would break the other's read of thing 7 between
    its state set-up and its request; the DELETE deletes a thing POST /things made instead."""
    pacts = stateful_pact()
    pacts["Shop"].append(
        http("create a thing", "POST", "/things", 201, body={"id": 100}, integer_fields=("$.id",))
    )
    out = generate(tmp_path, pacts, *FAST, "--state-change-url", "/_states")
    assert 'path_template="/things/{things-id}"' in out.read_text()
    code, output = run(out, catalogue_url, "-u", "3", "--", "--json-file", tmp_path / "stats")
    assert code == 0, output
    stats = final_stats(tmp_path / "stats")
    assert stats["DELETE /things/{id} (Shop)"][0] > 0
    assert stats["POST /things (Shop)"][0] >= stats["DELETE /things/{id} (Shop)"][0]
    assert all(failures == 0 for _, failures in stats.values()), stats
