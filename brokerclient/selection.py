"""The selector options of every command, and the one place that turns them into selectors.

``--consumer-version-selector JSON`` (repeatable) takes any selector; the shorthands add one each:
``--main-branch``, ``--branch B``, ``--tag T`` (latest with that tag), ``--deployed``, ``--released``,
``--deployed-or-released`` (qualified by each ``--environment E``; ``--environment E`` alone means
deployed or released there). ``--consumer C`` restricts every selector to those consumers; with no
selector the broker's defaults are used and only those consumers' pacts are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from brokerclient.errors import SelectorError
from brokerclient.selectors import ConsumerVersionSelector, parse_selector


@dataclass(frozen=True, slots=True)
class Selection:
    """The values of the selector options (the command-line form)."""

    selectors: tuple[ConsumerVersionSelector, ...] = ()
    main_branch: bool = False
    branches: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()
    deployed: bool = False
    released: bool = False
    deployed_or_released: bool = False
    consumers: tuple[str, ...] = ()

    @classmethod
    def from_options(
        cls,
        *,
        selectors: Iterable[str] = (),
        main_branch: bool = False,
        branches: Iterable[str] = (),
        tags: Iterable[str] = (),
        environments: Iterable[str] = (),
        deployed: bool = False,
        released: bool = False,
        deployed_or_released: bool = False,
        consumers: Iterable[str] = (),
    ) -> Selection:
        """The selection from raw option values (JSON selectors parsed; bad input raises ``SelectorError``)."""
        names = {
            "--branch": tuple(branches),
            "--tag": tuple(tags),
            "--environment": tuple(environments),
            "--consumer": tuple(consumers),
        }
        for option, values in names.items():
            if any(not value.strip() for value in values):
                raise SelectorError(f"{option} needs a non-empty name (leave the option out instead)")
        selection = cls(
            tuple(parse_selector(text) for text in selectors),
            main_branch,
            names["--branch"],
            names["--tag"],
            names["--environment"],
            deployed,
            released,
            deployed_or_released,
            names["--consumer"],
        )
        selection.consumer_version_selectors()  # every combination is checked now, not at the broker
        return selection

    @property
    def selects(self) -> bool:
        """Whether any selector option was given (``--consumer`` alone only filters)."""
        return bool(self._without_consumers())

    def consumer_version_selectors(self) -> tuple[ConsumerVersionSelector, ...]:
        """The selectors to send; empty means the broker's defaults."""
        chosen = self._without_consumers()
        if not self.consumers or not chosen:
            return chosen
        return tuple(
            selector if selector.consumer else selector.with_consumer(consumer)
            for consumer in self.consumers
            for selector in chosen
        )

    def keeps(self, consumer: str | None) -> bool:
        """Whether a pact of this consumer is wanted (``--consumer`` filters; none given keeps all)."""
        return not self.consumers or consumer in self.consumers

    def describe(self) -> str:
        selectors = self.consumer_version_selectors()
        text = ", ".join(s.describe() for s in selectors) if selectors else "broker defaults"
        if self.consumers and not selectors:
            text += f", consumers {', '.join(self.consumers)}"
        return text

    def _without_consumers(self) -> tuple[ConsumerVersionSelector, ...]:
        chosen = list(self.selectors)
        if self.main_branch:
            chosen.append(ConsumerVersionSelector(main_branch=True))
        chosen.extend(ConsumerVersionSelector(branch=branch) for branch in self.branches)
        chosen.extend(ConsumerVersionSelector(tag=tag, latest=True) for tag in self.tags)
        kinds = [
            kind
            for kind, given in (
                (ConsumerVersionSelector(deployed=True), self.deployed),
                (ConsumerVersionSelector(released=True), self.released),
                (ConsumerVersionSelector(deployed_or_released=True), self.deployed_or_released),
            )
            if given
        ]
        for environment in self.environments:
            if not kinds:
                chosen.append(ConsumerVersionSelector(environment=environment))
            for kind in kinds:
                chosen.append(
                    ConsumerVersionSelector(
                        deployed=kind.deployed,
                        released=kind.released,
                        deployed_or_released=kind.deployed_or_released,
                        environment=environment,
                    )
                )
        if not self.environments:
            chosen.extend(kinds)
        return tuple(chosen)
