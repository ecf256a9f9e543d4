"""The scenario model: one Locust user class per consumer, one weighted task per HTTP interaction."""

from __future__ import annotations

import keyword
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from contracts.model import HttpInteraction, Pact
from contracts.pactwriter import dump_request, dump_response
from loadgen.locust.errors import ScenarioError
from loadgen.locust.links import Link
from loadgen.locust.routes import Route, template_for
from loadgen.locust.weights import WeightPlan

STATES_TAG = "needs-state"
"""The tag of every task whose interaction needs a provider state (``--no-states`` excludes it)."""


@dataclass(frozen=True)
class TaskSpec:
    """One interaction as a Locust task."""

    function_name: str
    constant_name: str
    consumer: str
    description: str
    provider_states: tuple[dict[str, Any], ...]
    route: Route
    weight: int
    spec_version: str
    request: dict[str, Any]
    response: dict[str, Any]
    variables: tuple[str, ...] = ()
    requires: tuple[tuple[str, str], ...] = ()
    """(variable, constant name of the task whose response supplies it), e.g. ("orderId", "..._CREATE_ORDER")."""
    captures: tuple[tuple[str, str], ...] = ()
    """(variable, OpenAPI runtime expression) this task's response supplies, e.g. ("orderId", "$response.body#/id")."""
    path_template: str | None = None
    """Set when the path is filled from chained values (OpenAPI links) rather than pact generators."""

    @property
    def request_name(self) -> str:
        """The name Locust reports this task's requests under: route template and consumer."""
        return f"{self.route.name} ({self.consumer})"

    @property
    def tags(self) -> tuple[str, ...]:
        tags = [f"consumer:{self.consumer}", f"interaction:{_slug(self.description)}"]
        tags.extend(f"state:{_slug(state['name'])}" for state in self.provider_states)
        if self.provider_states:
            tags.append(STATES_TAG)
        return tuple(tags)


@dataclass(frozen=True)
class UserSpec:
    """One consumer as a Locust user class."""

    consumer: str
    class_name: str
    weight: int
    tasks: tuple[TaskSpec, ...]


@dataclass(frozen=True)
class Scenario:
    provider: str
    users: tuple[UserSpec, ...]
    weights_source: str
    sources: tuple[str, ...]
    skipped: tuple[str, ...]
    state_change_url: str | None = None

    @property
    def tasks(self) -> tuple[TaskSpec, ...]:
        return tuple(task for user in self.users for task in user.tasks)


def _check_plan_names(plan: WeightPlan, drafts: Mapping[str, list[dict[str, Any]]]) -> list[str]:
    """A weights file must name real interactions: a misspelt description would silently keep weight 1.
    Consumers absent from these pacts are only noted (one weights file may serve several selections)."""
    notes = [
        f"weights for consumer {name!r}: no pact of that consumer here"
        for name in sorted({*plan.consumers, *plan.interactions} - set(drafts))
    ]
    for consumer, weights in plan.interactions.items():
        known = {draft["description"] for draft in drafts.get(consumer, [])}
        unknown = sorted(set(weights) - known) if known else []
        if unknown:
            raise ScenarioError(
                f"the weights file names interactions {consumer} does not have: "
                + ", ".join(repr(name) for name in unknown)
                + "; its interactions are: "
                + ", ".join(repr(name) for name in sorted(known))
            )
    return notes


def build_scenario(
    pacts: Sequence[Pact],
    *,
    provider: str,
    plan: WeightPlan | None = None,
    openapi_paths: Sequence[str] = (),
    links: Sequence[Link] = (),
    sources: Sequence[str] = (),
    state_change_url: str | None = None,
    with_states: bool = True,
) -> Scenario:
    """Build the scenario for `provider` from its pacts (other providers' pacts are refused);
    without `with_states`, only the interactions that need no provider state."""
    plan = plan or WeightPlan()
    skipped: list[str] = []
    by_consumer: dict[str, list[tuple[HttpInteraction, str]]] = defaultdict(list)
    for pact in pacts:
        if pact.provider != provider:
            raise ScenarioError(
                f"pact {pact.consumer} -> {pact.provider} is not for provider {provider!r}; "
                "pass only that provider's pacts (or fix --provider)"
            )
        for interaction in pact.interactions:
            if isinstance(interaction, HttpInteraction) and interaction.provider_states and not with_states:
                skipped.append(
                    f"{pact.consumer}: {interaction.description!r} needs a provider state (--no-states)"
                )
            elif isinstance(interaction, HttpInteraction):
                by_consumer[pact.consumer].append((interaction, pact.spec_version))
            else:
                skipped.append(
                    f"{pact.consumer}: {interaction.description!r} is a message interaction (not HTTP load)"
                )
    if not by_consumer:
        needing = " that need no provider state" if not with_states else ""
        raise ScenarioError(f"no HTTP interactions{needing} for provider {provider!r} in the given pacts")

    drafts = {
        consumer: [
            _task_draft(consumer, interaction, version, openapi_paths) for interaction, version in items
        ]
        for consumer, items in sorted(by_consumer.items())
    }
    skipped.extend(_check_plan_names(plan, drafts))
    _unify_routes(drafts)
    route_shares = _route_shares(drafts, plan)
    users = []
    used_class_names: set[str] = set()
    used_constants: set[str] = set()
    for consumer, consumer_drafts in drafts.items():
        tasks = []
        used_functions: set[str] = set()
        for draft in consumer_drafts:
            weight = plan.explicit_interaction_weight(consumer, draft["description"])
            if weight is None:
                weight = route_shares.get((consumer, draft["description"]), 1)
            tasks.append(
                TaskSpec(
                    function_name=_unique(_identifier(draft["description"]), used_functions),
                    constant_name=_unique(
                        _identifier(f"{consumer} {draft['description']}").upper(), used_constants
                    ),
                    weight=weight,
                    **{k: v for k, v in draft.items()},
                )
            )
        weight = plan.consumers.get(consumer)
        if weight is None:
            weight = sum(task.weight for task in tasks)
        class_name = _unique(_class_name(consumer) + "User", used_class_names)
        users.append(
            UserSpec(
                consumer=consumer, class_name=class_name, weight=weight, tasks=_with_producers(tasks, links)
            )
        )
    return Scenario(
        provider=provider,
        users=tuple(users),
        weights_source=plan.source,
        sources=tuple(sources),
        skipped=tuple(skipped),
        state_change_url=state_change_url,
    )


def _task_draft(
    consumer: str, interaction: HttpInteraction, spec_version: str, openapi_paths: Sequence[str]
) -> dict[str, Any]:
    request = interaction.request
    path_generator = request.generators.get("path")
    expression = None
    if isinstance(path_generator, dict) and path_generator.get("type") == "ProviderState":
        expression = str(path_generator.get("expression", "")) or None
    template = template_for(request.path, expression=expression, openapi_paths=openapi_paths)
    draft: dict[str, Any] = {
        "consumer": consumer,
        "description": interaction.description,
        "provider_states": tuple(
            {"name": state.name, "params": dict(state.params or {})} for state in interaction.provider_states
        ),
        "route": Route(request.method.upper(), template),
        "spec_version": spec_version,
        "request": dump_request(interaction.request, interaction.spec_version),
        "response": dump_response(interaction.response, interaction.spec_version),
        "variables": tuple(sorted(_expression_variables(request.generators))),
        "declared": expression is not None or template in openapi_paths,
    }
    return draft


def _unify_routes(drafts: dict[str, list[dict[str, Any]]]) -> None:
    """Name a path by the template another interaction declares for it (``/orders/{orderId}``), so
    ``GET /orders/4242`` and ``GET /orders/${orderId}`` report under one route, not two."""
    declared = [draft for items in drafts.values() for draft in items if draft.pop("declared", False)]
    for items in drafts.values():
        for draft in items:
            path = str(draft["request"].get("path", ""))
            for other in declared:
                route = other["route"]
                if route.method == draft["route"].method and route.pattern.match(path):
                    if route.template.count("{") <= draft["route"].template.count("{"):
                        draft["route"] = route
                    break


def _expression_variables(generators: dict[str, Any]) -> set[str]:
    """Names used by the ProviderState generator expressions of a request (``${orderId}``)."""
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "ProviderState" and isinstance(node.get("expression"), str):
                found.update(name.strip() for name in re.findall(r"\$\{([^}]+)\}", node["expression"]))
            else:
                for value in node.values():
                    visit(value)

    visit(generators)
    return found


def _with_producers(tasks: list[TaskSpec], links: Sequence[Link] = ()) -> tuple[TaskSpec, ...]:
    """Link each task that needs an id to the task creating that resource, producers first.

    A task on ``/orders/{orderId}`` needs ``orderId``. It comes from a ProviderState expression of
    the pact (``/orders/${orderId}``), filled by a ``POST /orders`` task of the same consumer whose
    response (``id`` or ``Location``) supplies it; or from an OpenAPI link that names the response
    value (``$response.body#/id``) of another operation.
    """
    creators = {task.route.template: task for task in tasks if task.route.method == "POST"}
    by_route = {task.route: task for task in tasks}
    captures: dict[str, list[tuple[str, str]]] = defaultdict(list)
    linked = []
    for task in tasks:
        requires = []
        for variable in task.variables:
            collection = re.sub(r"/\{" + re.escape(variable) + r"\}.*$", "", task.route.template)
            creator = creators.get(collection)
            if creator is not None and creator is not task:
                requires.append((variable, creator.constant_name))
        path_template = None
        for parameter in re.findall(r"\{([^}]+)\}", task.route.template):
            if parameter in task.variables:
                continue
            link = next((lk for lk in links if lk.target == task.route and lk.parameter == parameter), None)
            source = by_route.get(link.source) if link else None
            if link is None or source is None or source is task:
                continue
            requires.append((parameter, source.constant_name))
            captures[source.constant_name].append((parameter, link.expression))
            path_template = task.route.template
        isolated = _isolated(task, creators) if not requires and not task.variables else None
        if isolated is not None:
            variable, creator, path_template = isolated
            requires.append((variable, creator.constant_name))
            captures[creator.constant_name].append((variable, "$response.body#/id"))
        linked.append(replace(task, requires=tuple(requires), path_template=path_template))
    linked = [replace(task, captures=tuple(captures.get(task.constant_name, ()))) for task in linked]
    producers = {name for task in linked for _, name in task.requires}
    return tuple(sorted(linked, key=lambda task: task.constant_name not in producers))


def _isolated(task: TaskSpec, creators: Mapping[str, TaskSpec]) -> tuple[str, TaskSpec, str] | None:
    """A DELETE of a literal id (``/things/7``) whose collection has a creator (``POST /things``)
    deletes a resource of its own instead: (variable, creator, path template), e.g.
    (``things-id``, the POST task, ``/things/{things-id}``). Other users' tasks on thing 7 then
    never find it gone. None when the task is not such a DELETE."""
    if task.route.method != "DELETE":
        return None
    match = re.fullmatch(r"(?P<collection>.+)/\{[^}/]+\}", task.route.template)
    creator = creators.get(match["collection"]) if match else None
    if match is None or creator is None or creator is task or "{" in match["collection"]:
        return None
    variable = f"{_slug(match['collection'])}-id"
    return variable, creator, f"{match['collection']}/{{{variable}}}"


def _route_shares(drafts: dict[str, list[dict[str, Any]]], plan: WeightPlan) -> dict[tuple[str, str], int]:
    """Traffic counts per interaction.

    Each counted request is shared evenly by the interactions it fits: same route, the same status
    when the log has one (else any), the same consumer when the User-Agent named one (else any). A
    request whose status no interaction of its route expects (a 500 in the log) is shared by all of
    them. An interaction any request fitted gets at least 1, so a tiny log never yields weight 0
    for a route it saw; when no request fitted at all, every weight stays 1.
    """
    if plan.traffic is None or plan.traffic.matched == 0:
        return {}
    owners: list[tuple[tuple[str, str], Route, Any]] = [
        ((consumer, draft["description"]), draft["route"], draft["response"].get("status"))
        for consumer, items in drafts.items()
        for draft in items
    ]
    shares: dict[tuple[str, str], float] = {key: 0.0 for key, _, _ in owners}
    for (route, status, consumer), count in plan.traffic.by_key.items():
        fitting = [
            key for key, owner_route, _ in owners if owner_route == route and consumer in (None, key[0])
        ]
        exact = [
            key
            for key, owner_route, owner_status in owners
            if key in fitting and (status is None or owner_status == status)
        ]
        chosen = exact or fitting
        for key in chosen:
            shares[key] += count / len(chosen)
    return {key: max(1, round(share)) if share > 0 else 0 for key, share in shares.items()}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def _identifier(text: str) -> str:
    name = re.sub(r"[^a-zA-Z0-9]+", "_", text).strip("_").lower() or "interaction"
    if name[0].isdigit():
        name = f"i_{name}"
    if keyword.iskeyword(name):
        name += "_"
    return name[:60].rstrip("_")


def _class_name(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(word[:1].upper() + word[1:] for word in words) or "Consumer"
    return f"C{name}" if name[0].isdigit() else name


def _unique(name: str, used: set[str]) -> str:
    candidate, counter = name, 2
    while candidate in used:
        candidate = f"{name}_{counter}"
        counter += 1
    used.add(candidate)
    return candidate
