"""schemathesis hooks (loaded by ``st run`` through ``SCHEMATHESIS_HOOKS``) that point generated requests
at rows that exist.

``TETHER_FUZZ_PATH_VALUES`` holds a JSON object naming the seeded rows: ``names`` (path-parameter name
-> value, ``{"consumer": "OrderWeb", "sha": "...", ...}``), ``consumer_version`` and ``provider_version``
(a ``{version}`` belongs to the pacticipant named just before it in the path) and ``deployed_record`` /
``released_record`` (``{record_uuid}`` under ``/deployed-versions`` or ``/released-versions``).
Those values become the parameters' ``example`` (the examples phase then asks for real rows), and during
fuzzing half of the generated cases (chosen by Hypothesis, so the seed still decides) have their path
parameters replaced by them. DELETE operations keep their generated names, so a run does not remove the
rows the other operations read.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import schemathesis
from hypothesis import strategies as st

SEEDED: dict[str, Any] = json.loads(os.environ.get("TETHER_FUZZ_PATH_VALUES", "{}"))
NAMES: dict[str, str] = SEEDED.get("names", {})


def seeded_value(path: str, name: str) -> str | None:
    """The seeded value for path parameter ``name`` of the operation at ``path``, if there is one."""
    if not SEEDED:
        return None
    if name == "version":
        before = re.findall(r"{(consumer|provider|pacticipant)}", path[: path.index("{version}")])
        owner = before[-1] if before else "pacticipant"
        return str(SEEDED["provider_version"] if owner == "provider" else SEEDED["consumer_version"])
    if name == "record_uuid":
        return str(SEEDED["released_record" if path.startswith("/released-") else "deployed_record"])
    return NAMES.get(name)


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    for path, path_item in raw_schema.get("paths", {}).items():
        for method, operation in path_item.items():
            if method == "delete" or not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "path":
                    continue
                value = seeded_value(path, parameter.get("name", ""))
                if value is not None:
                    parameter["example"] = value


@schemathesis.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    operation = getattr(context, "operation", None)
    if not path_parameters or operation is None or operation.method.lower() == "delete":
        return st.just(path_parameters)
    seeded = {name: seeded_value(operation.path, name) or value for name, value in path_parameters.items()}
    return st.sampled_from([path_parameters, seeded])
