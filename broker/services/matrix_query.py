"""Parsing and validating matrix / can-i-deploy queries (``/matrix``, ``/can-i-deploy`` and shortcuts).

The CLIs send Rack-style queries: ``q[][pacticipant]=A&q[][version]=1&latestby=cvpv&environment=prod``
(see :mod:`broker.nested_query`). Everything here is pure: existence checks happen in
:mod:`broker.services.matrix`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from broker.errors import SelectorsInvalid
from broker.nested_query import keyed_columns, zip_columns

LATESTBY = ("cvpv", "cvp", "cp")
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class MatrixSelector:
    """One ``q[]`` entry: a pacticipant and which of its versions."""

    pacticipant: str
    version: str | None = None
    latest: bool = False
    tag: str | None = None
    branch: str | None = None
    main_branch: bool = False
    environment: str | None = None


@dataclass(frozen=True)
class IgnoreSelector:
    pacticipant: str
    version: str | None = None


@dataclass(frozen=True)
class MatrixQuery:
    selectors: tuple[MatrixSelector, ...]
    latestby: str | None = None
    latest: bool = False
    tag: str | None = None
    branch: str | None = None
    environment: str | None = None
    main_branch: bool = False
    limit: int = DEFAULT_LIMIT
    success: tuple[bool | None, ...] | None = None
    ignore: tuple[IgnoreSelector, ...] = ()

    @property
    def infers_integrations(self) -> bool:
        """Whether the other side of each integration is inferred from the options."""
        return bool(
            self.latest
            or self.tag
            or self.branch
            or self.environment
            or self.main_branch
            or len(self.selectors) == 1
        )


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _flag(value: Any) -> bool:
    return isinstance(value, str) and value.lower() == "true"


def _ignores(raw: Any, errors: list[str] | None = None) -> tuple[IgnoreSelector, ...]:
    result: list[IgnoreSelector] = []
    if isinstance(raw, list):
        for index, item in enumerate(raw, start=1):
            if isinstance(item, str) and item.strip():
                result.append(IgnoreSelector(item.strip()))
            elif isinstance(item, dict) and _text(item.get("pacticipant")):
                result.append(IgnoreSelector(str(_text(item.get("pacticipant"))), _text(item.get("version"))))
            elif errors is not None:
                errors.append(
                    f"Please specify the pacticipant name for ignore selector {index} (ignore[][pacticipant]=NAME)"
                )
    elif isinstance(raw, str) and raw.strip():
        result.append(IgnoreSelector(raw.strip()))
    return tuple(result)


def _common_options(query: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {
        "latest": _flag(query.get("latest")),
        "tag": _text(query.get("tag")),
        "branch": _text(query.get("branch")),
        "environment": _text(query.get("environment")),
        "main_branch": _flag(query.get("mainBranch")),
        "ignore": _ignores(query.get("ignore"), errors),
    }
    latestby = _text(query.get("latestby"))
    if latestby is not None and latestby not in LATESTBY:
        errors.append(f"latestby must be one of {', '.join(LATESTBY)} (got {latestby!r})")
        latestby = None
    options["latestby"] = latestby
    chosen = [name for name in ("tag", "branch", "environment", "main_branch") if options[name]]
    if len(chosen) > 1:
        errors.append("Please specify only one of tag, branch, environment or mainBranch")
    if options["latest"] and options["environment"]:
        errors.append(
            "Please specify either latest or environment, not both (the environment already selects versions)"
        )
    limit_raw = query.get("limit")
    limit = DEFAULT_LIMIT
    if limit_raw not in (None, ""):
        if isinstance(limit_raw, str) and limit_raw.isdigit() and 1 <= int(limit_raw) <= MAX_LIMIT:
            limit = int(limit_raw)
        else:
            errors.append(f"limit must be a whole number from 1 to {MAX_LIMIT} (got {limit_raw!r})")
    options["limit"] = limit
    success = query.get("success")
    if isinstance(success, list):
        parsed: list[bool | None] = []
        for item in success:
            if item == "true":
                parsed.append(True)
            elif item == "false":
                parsed.append(False)
            elif item == "":
                parsed.append(None)
            else:
                errors.append(f"success[] values must be true, false or empty (got {item!r})")
        options["success"] = tuple(parsed)
    return options


GROUPED_HINT = (
    "the q[] parameters come one key at a time (all pacticipants, then all versions...) with a different "
    "number of values per key, so which value belongs to which pacticipant is unknown: send each "
    "selector's keys together, e.g. q[][pacticipant]=Foo&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][latest]=true"
)


def _lacks_pacticipant(raw_selectors: Any) -> bool:
    return isinstance(raw_selectors, list) and any(
        not isinstance(raw, dict) or not _text(raw.get("pacticipant")) for raw in raw_selectors
    )


def _one_key_at_a_time(raw_query: str, name: str, parsed: Any) -> Any:
    """``parsed`` (Rack's reading of ``name[]``) unless it lacks a pacticipant and the parameters came one
    key at a time: then the n-th value of each key makes the n-th selector."""
    if not _lacks_pacticipant(parsed):
        return parsed
    columns = keyed_columns(raw_query, name)
    if columns is None:
        return parsed
    zipped = zip_columns(columns)
    if zipped is None:
        hint = GROUPED_HINT.replace("q[]", f"{name}[]")
        raise SelectorsInvalid(hint, errors={name: [hint]})
    return zipped


def parse_matrix_query(query: dict[str, Any], raw_query: str | None = None) -> MatrixQuery:
    """Validate a parsed ``/matrix`` query. ``raw_query`` (the query string) lets the selectors sent one
    key at a time (as a Pact verifier replays them) be read when their pairing is unambiguous."""
    errors: list[str] = []
    raw_selectors = query.get("q")
    if raw_query is not None:
        raw_selectors = _one_key_at_a_time(raw_query, "q", raw_selectors)
        query = {**query, "ignore": _one_key_at_a_time(raw_query, "ignore", query.get("ignore"))}
    selectors: list[MatrixSelector] = []
    if not isinstance(raw_selectors, list) or not raw_selectors:
        errors.append(
            "Please provide 1 or more version selectors, e.g. q[][pacticipant]=Foo&q[][version]=1.2.3"
        )
    else:
        for index, raw in enumerate(raw_selectors, start=1):
            if not isinstance(raw, dict) or not _text(raw.get("pacticipant")):
                errors.append(
                    f"Please specify the pacticipant name for selector {index} (q[][pacticipant]=NAME)"
                )
                continue
            selector = MatrixSelector(
                pacticipant=str(_text(raw.get("pacticipant"))),
                version=_text(raw.get("version")),
                latest=_flag(raw.get("latest")),
                tag=_text(raw.get("tag")),
                branch=_text(raw.get("branch")),
                main_branch=_flag(raw.get("mainBranch")),
                environment=_text(raw.get("environment")),
            )
            if selector.version and selector.latest:
                errors.append(
                    f"A version number and latest flag cannot both be specified for {selector.pacticipant}"
                )
            if selector.tag and selector.branch:
                errors.append(f"A tag and a branch cannot both be specified for {selector.pacticipant}")
            selectors.append(selector)
    options = _common_options(query, errors)
    if errors:
        raise SelectorsInvalid("; ".join(errors), errors={"q": errors})
    return MatrixQuery(selectors=tuple(selectors), **options)


def parse_can_i_deploy_query(query: dict[str, Any]) -> MatrixQuery:
    """``/can-i-deploy?pacticipant=&version=&environment=`` (or ``&to=TAG``), plus ``ignore[]``."""
    errors: list[str] = []
    pacticipant = _text(query.get("pacticipant"))
    version = _text(query.get("version"))
    environment = _text(query.get("environment"))
    to_tag = _text(query.get("to"))
    if pacticipant is None:
        errors.append("Please specify the pacticipant (pacticipant=NAME)")
    if version is None:
        errors.append("Please specify the version (version=NUMBER)")
    if bool(environment) == bool(to_tag):
        errors.append("Please specify exactly one of environment=ENV or to=TAG")
    ignore = _ignores(query.get("ignore"), errors)
    if errors:
        raise SelectorsInvalid("; ".join(errors), errors={"base": errors})
    assert pacticipant is not None
    return MatrixQuery(
        selectors=(MatrixSelector(pacticipant=pacticipant, version=version),),
        latestby="cvpv" if environment else "cvp",
        latest=bool(to_tag),
        tag=to_tag,
        environment=environment,
        ignore=ignore,
    )


def shortcut_query(
    *,
    pacticipant: str,
    version: str | None = None,
    branch: str | None = None,
    tag: str | None = None,
    to_environment: str | None = None,
    to_tag: str | None = None,
    main_branch: bool = False,
) -> MatrixQuery:
    """The path shortcuts: ``/pacticipants/{p}/versions/{v}/can-i-deploy/to-environment/{e}``,
    ``/pacticipants/{p}/branches/{b}/latest-version/can-i-deploy/to-environment/{e}``,
    ``/pacticipants/{p}/latest-version/{tag}/can-i-deploy/to/{tag}`` and
    ``/pacticipants/{p}/main-branch/can-i-merge``."""
    selector = MatrixSelector(
        pacticipant=pacticipant,
        version=version,
        latest=version is None,
        branch=branch,
        tag=tag,
        main_branch=main_branch and version is None,
    )
    if main_branch:
        return MatrixQuery(selectors=(selector,), latestby="cvp", latest=True, main_branch=True)
    return MatrixQuery(
        selectors=(selector,),
        latestby="cvpv" if to_environment else "cvp",
        latest=bool(to_tag),
        tag=to_tag,
        environment=to_environment,
    )
