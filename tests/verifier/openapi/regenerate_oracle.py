"""Record the comparator's verdict on every corpus case (the test oracle) into the case files.

    .venv/bin/python -m tests.verifier.openapi.regenerate_oracle

Needs node and `make npm-tools` (@pactflow/openapi-pact-comparator 2.3.1 in .cache/npm-tools).
Cases whose spec lives in files (`spec_file`, e.g. refs into sibling files, which the comparator cannot
follow) are left without an oracle record; their expectation is the `tether` entry.
"""

from __future__ import annotations

import sys

import yaml

from tests.verifier.openapi.corpus import COMPARATOR_DIR, load_cases, run_comparator


def main() -> int:
    if not COMPARATOR_DIR.is_dir():
        print(f"{COMPARATOR_DIR} is missing: run `make npm-tools`", file=sys.stderr)
        return 2
    cases = load_cases()
    verdicts = run_comparator(cases)
    for case in cases:
        if case.name not in verdicts:
            continue
        case.data["comparator"] = verdicts[case.name]
        case.path.write_text(
            yaml.safe_dump(case.data, sort_keys=False, width=120, allow_unicode=True), encoding="utf-8"
        )
    print(f"recorded the comparator's verdict for {len(verdicts)} of {len(cases)} cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
