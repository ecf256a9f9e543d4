"""URL fields are http(s) only; pacticipant names are NFKC, free of invisible and bidi-control
characters and of look-alike letters from another script; the duplicate check compares skeletons."""

from __future__ import annotations

import httpx
import pytest

from broker.services.pacticipant_names import skeleton
from tests.broker.conftest import LocalBroker
from tests.broker.test_bad_input import stored_rows
from tests.broker.test_publishing import make_pact, publish_body

BAD_URLS = [
    "javascript:alert(document.domain)",
    "file:///etc/passwd",
    "ftp://ci.example/1",
    "/relative",
    "https://",
]


@pytest.mark.parametrize("bad", BAD_URLS)
def test_url_fields_accept_only_absolute_http_urls(local_broker: LocalBroker, bad: str) -> None:
    url = local_broker.url
    response = httpx.post(url + "/contracts/publish", json={**publish_body(make_pact()), "buildUrl": bad})
    assert response.status_code == 400, response.text
    assert "must be an absolute http(s) URL" in response.json()["errors"]["buildUrl"][0]
    assert set(stored_rows(local_broker).values()) == {0}
    version = httpx.put(url + "/pacticipants/OrderWeb/versions/1", json={"buildUrl": bad})
    assert version.status_code == 400, version.text
    assert bad in version.json()["errors"]["buildUrl"][0]
    assert httpx.post(url + "/pacticipants", json={"name": "OrderWeb"}).status_code == 201
    repository = httpx.patch(url + "/pacticipants/OrderWeb", json={"repositoryUrl": bad})
    assert repository.status_code == 400, repository.text
    assert "repositoryUrl" in repository.json()["errors"]
    assert httpx.get(url + "/pacticipants/OrderWeb").json().get("repositoryUrl") is None
    assert httpx.post(url + "/contracts/publish", json=publish_body(make_pact())).status_code == 200
    pact = httpx.get(url + "/pacts/provider/OrderApi/consumer/OrderWeb/version/1.0.0").json()
    result = httpx.post(
        pact["_links"]["pb:publish-verification-results"]["href"],
        json={"success": True, "providerApplicationVersion": "2", "buildUrl": bad},
    )
    assert result.status_code == 400, result.text
    assert "buildUrl" in result.json()["errors"]
    good = httpx.put(url + "/pacticipants/OrderWeb/versions/2", json={"buildUrl": "https://ci.example/b/2"})
    assert good.status_code in (200, 201), good.text


NAMES = {
    "Order\u200bWeb": "contains U+200B (ZERO WIDTH SPACE), an invisible zero-width or bidirectional-control",
    "\u202eOrderWeb": "contains U+202E (RIGHT-TO-LEFT OVERRIDE)",
    "Order\u2066Web": "contains U+2066 (LEFT-TO-RIGHT ISOLATE)",
    "\uff2frderWeb": "is not in Unicode normal form NFKC; use 'OrderWeb'",
    "\u041erderWeb": "mixes scripts: '\u041e' is a Cyrillic letter that looks like the Latin 'O'",
    "p\u0430ypal": "mixes scripts: '\u0430' is a Cyrillic letter that looks like the Latin 'a'",
}


@pytest.mark.parametrize("name", list(NAMES))
def test_confusable_pacticipant_names_are_refused(local_broker: LocalBroker, name: str) -> None:
    url = local_broker.url
    created = httpx.post(url + "/pacticipants", json={"name": name})
    assert created.status_code == 400, created.text
    assert NAMES[name] in created.json()["errors"]["name"][0]
    published = httpx.post(url + "/contracts/publish", json=publish_body(make_pact(consumer=name)))
    assert published.status_code == 400, published.text
    assert NAMES[name] in published.json()["errors"]["pacticipantName"][0]
    as_provider = httpx.post(url + "/contracts/publish", json=publish_body(make_pact(provider=name)))
    assert as_provider.status_code == 400
    assert NAMES[name] in as_provider.json()["errors"]["contracts[0].providerName"][0]
    assert set(stored_rows(local_broker).values()) == {0}


def test_single_script_and_mixed_non_confusable_names_are_accepted(local_broker: LocalBroker) -> None:
    for name in ("\u0417\u0430\u043a\u0430\u0437", "\u6ce8\u6587API", "\u03a9mega-api", "Order-Web 2"):
        response = httpx.post(local_broker.url + "/pacticipants", json={"name": name})
        assert response.status_code == 201, (name, response.text)
        assert response.json()["name"] == name


def test_duplicate_check_compares_skeletons(local_broker: LocalBroker) -> None:
    url = local_broker.url
    assert (
        httpx.post(url + "/pacticipants", json={"name": "\u0417\u0430\u043a\u0430\u0437"}).status_code == 201
    )
    body = publish_body(make_pact(consumer="\u0437\u0410\u041a\u0410\u0417"))
    response = httpx.post(url + "/contracts/publish", json=body)
    assert response.status_code == 409, response.text
    assert (
        "very similar to the following existing pacticipants: \u0417\u0430\u043a\u0430\u0437"
        in (response.json()["errors"]["pacticipantName"][0])
    )
    assert skeleton("\u041erder-Web") == skeleton("order_web") == "orderweb"
    assert skeleton("\uff2frder Web") == "orderweb"
