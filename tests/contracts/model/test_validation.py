"""validate_pact finds unusable matching rules and generators, naming their JSON location."""

from __future__ import annotations

from contracts.pactfile import parse_pact
from contracts.validation import matching_rule_problems, validate_pact


def test_a_usable_pact_has_no_problems() -> None:
    pact = parse_pact(
        {
            "consumer": {"name": "a"},
            "provider": {"name": "b"},
            "interactions": [
                {
                    "description": "d",
                    "request": {
                        "method": "GET",
                        "path": "/",
                        "generators": {"path": {"type": "ProviderState", "expression": "/${id}"}},
                    },
                    "response": {
                        "body": {"id": 1},
                        "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
                        "generators": {
                            "body": {"$.id": {"type": "RandomInt", "min": 1}},
                            "status": {"type": "RandomInt"},
                        },
                    },
                }
            ],
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
    )
    assert validate_pact(pact) == []


def test_problems_in_rules_and_generators_of_every_interaction_kind() -> None:
    pact = parse_pact(
        {
            "consumer": {"name": "a"},
            "provider": {"name": "b"},
            "interactions": [
                {
                    "description": "http",
                    "request": {
                        "method": "GET",
                        "path": "/",
                        "matchingRules": {"path": {"matchers": [{"match": "regex", "regex": "(["}]}},
                    },
                    "response": {
                        "generators": {"body": {"$.a": {"type": "RandomInt", "min": "1"}}, "cookies": {}}
                    },
                },
            ],
            "messages": [
                {
                    "description": "m",
                    "contents": {},
                    "generators": {"metadata": {"k": {"type": "ProviderState"}}},
                },
            ],
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
    )
    problems = validate_pact(pact)
    assert problems[0].startswith(
        "$.interactions[0].request.matchingRules: matching rule regex '([' is not a valid"
    )
    assert problems[1:] == [
        "$.interactions[0].response.generators.body['$.a'].min: must be an integer, found '1'",
        "$.interactions[0].response.generators.cookies: unknown generator category; use body, header, query, path, status or metadata",
        "$.messages[0].generators.metadata['k'].expression: a ProviderState generator needs an 'expression' string",
    ]


def test_v4_messages_are_checked_with_the_content_category() -> None:
    pact = parse_pact(
        {
            "consumer": {"name": "a"},
            "provider": {"name": "b"},
            "interactions": [
                {
                    "type": "Synchronous/Messages",
                    "description": "s",
                    "request": {"contents": {"content": "x"}},
                    "response": [
                        {"contents": {"content": 1}, "generators": {"content": {"$": {"type": "Nope"}}}}
                    ],
                },
                {
                    "type": "Asynchronous/Messages",
                    "description": "a",
                    "contents": {"content": {"a": 1}},
                    "matchingRules": {"content": {"$.a": {"matchers": [{"match": "regex", "regex": "(["}]}}},
                },
            ],
            "metadata": {"pactSpecification": {"version": "4.0"}},
        }
    )
    problems = validate_pact(pact)
    assert problems[0].startswith(
        "$.interactions[0].response[0].generators.content['$'].type: unknown generator type 'Nope'"
    )
    assert problems[1].startswith("$.interactions[1].matchingRules: matching rule regex '([' is not a valid")
    assert len(problems) == 2


def _http(index: int, rules: dict[str, object]) -> dict[str, object]:
    return {
        "description": f"d{index}",
        "request": {"method": "GET", "path": f"/r{index}"},
        "response": {"status": 200, "body": {"id": 1}, "matchingRules": rules},
    }


def test_repeated_rules_are_reported_at_every_location_and_told_apart_by_content() -> None:
    """validate_pact reads each distinct rules object once; the verdict still lands on every location."""
    bad = {"body": {"$.id": {"matchers": [{"match": "regex", "regex": "(["}]}}}
    good = {"body": {"$.id": {"matchers": [{"match": "regex", "regex": "[0-9]+"}]}}}
    unknown = {"body": {"$.id": {"matchers": [{"match": "regex"}]}}}
    pact = parse_pact(
        {
            "consumer": {"name": "a"},
            "provider": {"name": "b"},
            "interactions": [_http(0, bad), _http(1, good), _http(2, bad), _http(3, unknown)],
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
    )
    problems = validate_pact(pact)
    assert [problem.split(": ", 1)[0] for problem in problems] == [
        "$.interactions[0].response.matchingRules",
        "$.interactions[2].response.matchingRules",
        "$.interactions[3].response.matchingRules",
    ]
    assert problems[0].split(": ", 1)[1] == problems[1].split(": ", 1)[1]
    assert "'([' is not a valid regular expression" in problems[0]
    assert "needs a string 'regex'" in problems[2]


def test_rules_that_are_not_json_text_are_still_checked() -> None:
    """Rules built in code (not JSON data) or nested past the encoder's depth are read without the memo."""
    deep: object = 1
    for _ in range(3000):
        deep = [deep]
    seen: dict[tuple[str, str], str | None] = {}
    odd = {"body": {"$.a": {"matchers": [{"match": "type", "value": object()}]}}}
    bad = {"body": {"$.a": {"matchers": [{"match": "regex", "regex": "(["}]}}, "x": object()}
    assert (
        matching_rule_problems(
            {"body": {"$.a": {"matchers": [{"match": "type", "value": deep}]}}}, "$.p", seen=seen
        )
        == []
    )
    assert matching_rule_problems(odd, "$.q", seen=seen) == []
    assert matching_rule_problems(bad, "$.r", seen=seen)[0].startswith("$.r: matching rule regex '(['")
    assert seen == {}
