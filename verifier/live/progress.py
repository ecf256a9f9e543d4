"""How `tether verify provider` shows the engine's events on stderr: a rich progress display on a
terminal, a few plain lines otherwise (pipes, CI logs)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from verifier.live.events import (
    Event,
    InteractionStarted,
    InteractionVerified,
    Phase,
    PhaseFinished,
    PhaseStarted,
    Published,
    SelfCheckOperation,
    SelfCheckPhaseFinished,
    SelfCheckPhaseStarted,
)


@contextmanager
def event_view(console: Console) -> Iterator[Callable[[Event], None]]:
    """An ``on_event`` for the engine: rich progress on a terminal, plain lines when not a terminal or
    under CI (``CI`` set, as CI services do)."""
    if not console.is_terminal or os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        yield PlainView(console).show
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        yield ProgressView(progress).show


class ProgressView:
    """One progress bar per phase: interactions replayed, schemathesis phases done."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def _describe(self, text: str, *, advance: int = 0) -> None:
        if self.task is not None:
            self.progress.update(self.task, description=text, advance=advance)

    def show(self, event: Event) -> None:
        if isinstance(event, PhaseStarted):
            titles = {
                Phase.REPLAY: f"Replaying pacts against {escape(event.target)}",
                Phase.SELF_CHECK: "Schemathesis: loading the spec",
                Phase.PUBLISH: f"Publishing the provider contract to {escape(event.target)}",
            }
            self.task = self.progress.add_task(titles[event.phase], total=event.total)
        elif isinstance(event, InteractionStarted):
            label = event.state or "(no provider state)"
            self._describe(f"Replaying pacts: given {escape(label)}", advance=1)
        elif isinstance(event, SelfCheckPhaseStarted):
            self._describe(f"Schemathesis: {escape(event.name)}")
        elif isinstance(event, SelfCheckOperation):
            self._describe(f"Schemathesis: {escape(event.phase)} {escape(event.operation)}")
        elif isinstance(event, SelfCheckPhaseFinished):
            self._describe(f"Schemathesis: {escape(event.name.capitalize())} done", advance=1)
        elif isinstance(event, PhaseFinished) and self.task is not None:
            if event.phase is Phase.REPLAY:
                count = event.completed
                self.progress.update(
                    self.task, completed=count, total=count, description=f"Replayed {count} interactions"
                )
            else:
                self.progress.update(self.task, completed=event.completed)


class PlainView:
    """A line as each phase starts and ends, one per schemathesis phase and per publication."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.passed = self.failed = 0

    def _line(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False)

    def show(self, event: Event) -> None:
        if isinstance(event, PhaseStarted):
            if event.phase is Phase.REPLAY:
                subject = f"{event.provider} at {event.target}" if event.provider else event.target
                self._line(f"Replaying pacts against {subject} ...")
            elif event.phase is Phase.SELF_CHECK:
                self._line(f"Running schemathesis ({', '.join(event.steps)}) against {event.target} ...")
        elif isinstance(event, InteractionVerified):
            if event.passed:
                self.passed += 1
            else:
                self.failed += 1
        elif isinstance(event, SelfCheckPhaseFinished):
            self._line(f"  schemathesis {event.name}: {event.status}")
        elif isinstance(event, Published):
            outcome = "published to the broker" if event.success else f"NOT published: {event.detail}"
            self._line(f"  {event.what} {outcome}")
        elif isinstance(event, PhaseFinished) and event.phase is Phase.REPLAY:
            self._line(
                f"  replayed {event.completed} interactions: {self.passed} passed, {self.failed} failed"
            )
