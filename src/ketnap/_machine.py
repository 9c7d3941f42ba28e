"""
The only module that imports ``transitions``.

One `Machine` per workflow definition serves every dossier. Dossiers are never
registered with ``add_model`` (quadratic, and it skips models that compare equal);
events are fired on the dossier as an unregistered model, which costs nothing per
dossier to set up. ``auto_transitions`` is off, since its ``to_<stage>`` methods
skip every guard, and the guard is a callable, not a method name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from transitions import EventData, Machine

from ketnap.model import Stage, Step

__all__ = ["Engine"]


class _Edge(Protocol):
    @property
    def step(self) -> Step: ...
    @property
    def source(self) -> Stage: ...
    @property
    def target(self) -> Stage: ...


class Engine:
    """
    A shared state machine over `Stage`, driven on the ``stage`` attribute of each dossier.

    Args:
        edges: the workflow table.
        guard: called with the payload given to `fire`; the step happens only if it returns True.
    """

    def __init__(self, edges: Iterable[_Edge], guard: Callable[[object], bool]) -> None:
        self._guard = guard
        self._machine = Machine(
            model=None,
            states=list(Stage),
            initial=Stage.SOURCE_POOL,
            auto_transitions=False,
            send_event=True,
            model_attribute="stage",
        )
        for edge in edges:
            self._machine.add_transition(
                edge.step.value, edge.source, edge.target, conditions=[self._condition]
            )

    def _condition(self, event: EventData) -> bool:
        return self._guard(event.kwargs["payload"])

    def fire(self, model: object, step: Step, payload: object) -> bool:
        """Fire *step* on *model*; the guard receives *payload*. Return whether it moved."""
        return self._machine.events[step.value].trigger(model, payload=payload)
