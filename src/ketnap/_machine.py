"""
The only module that imports ``transitions``.

One `Machine` per workflow definition serves every dossier. Nothing is ever
registered with ``add_model`` (quadratic, and it skips models that compare equal);
events are fired on a small private carrier as an unregistered model, which costs
nothing per dossier to set up and leaves the public, slotted `Dossier` untouched
until the step has passed. States are the stages' string values: transitions'
handling of Enum states costs about a third of each event. ``auto_transitions`` is
off, since its ``to_<stage>`` methods skip every guard, and the guard is a callable,
not a method name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from transitions import EventData, Machine

from ketnap.model import Stage, Step

__all__ = ["Carrier", "Engine", "mermaid"]


class _Edge(Protocol):
    @property
    def step(self) -> Step: ...
    @property
    def source(self) -> Stage: ...
    @property
    def target(self) -> Stage: ...


class Carrier:
    """
    **Protocol-like base:** what the engine drives: a ``state`` holding a stage's value.

    The workflow's attempt object subclasses it, so the guard finds everything on the model.
    """

    __slots__ = ("state",)

    def __init__(self, stage: Stage) -> None:
        self.state: str = stage.value


class Engine:
    """
    A shared state machine over the stages' values.

    Args:
        edges: the workflow table.
        guard: called with the carrier being fired; the step happens only if it returns True.
    """

    def __init__(self, edges: Iterable[_Edge], guard: Callable[[Carrier], bool]) -> None:
        self._guard = guard
        self._machine = Machine(
            model=None,
            states=[stage.value for stage in Stage],
            initial=Stage.SOURCE_POOL.value,
            auto_transitions=False,
            send_event=True,
        )
        for edge in edges:
            self._machine.add_transition(
                edge.step.value, edge.source.value, edge.target.value, conditions=[self._condition]
            )

    def _condition(self, event: EventData) -> bool:
        carrier = event.model
        assert isinstance(carrier, Carrier)  # noqa: S101 - only fire() reaches here
        return self._guard(carrier)

    def fire(self, carrier: Carrier, step: Step) -> Stage | None:
        """Fire *step* on *carrier*; return the stage reached, or None if the guard refused."""
        if self._machine.events[step.value].trigger(carrier):
            return Stage(carrier.state)
        return None


class _Drawing:
    """A model for the diagram machine, which attaches ``get_graph`` to it."""


def mermaid(edges: Iterable[_Edge], *, labels: Callable[[str], str], title: str) -> str:
    """
    Draw *edges* as a Mermaid state diagram with transitions' own Mermaid engine.

    transitions names a state by its string value; *labels* gives the text shown for it
    (the Vietnamese stage name), and steps are labelled the same way.
    """
    # Imported here: the diagram extension is only needed when a diagram is drawn.
    from transitions.extensions.diagrams import GraphMachine  # noqa: PLC0415

    rows = list(edges)
    states = list(dict.fromkeys(s for row in rows for s in (row.source.value, row.target.value)))
    holder = _Drawing()
    GraphMachine(
        model=holder,
        states=states,
        transitions=[
            {"trigger": row.step.value, "source": row.source.value, "dest": row.target.value}
            for row in rows
        ],
        initial=Stage.SOURCE_POOL.value,
        auto_transitions=False,
        graph_engine="mermaid",
        title=title,
    )
    text: str = holder.get_graph().draw(None)  # type: ignore[attr-defined]
    for state in states:
        text = text.replace(f'state "{state}" as {state}', f'state "{labels(state)}" as {state}')
    for step in {row.step.value for row in rows}:
        text = text.replace(f": {step}\n", f": {labels(step)}\n")
    return text
