"""
The only module that imports ``transitions``.

One `Machine` per workflow serves every dossier, built from the workflow's `Process`.
Nothing is ever registered with ``add_model`` (quadratic, and it skips models that
compare equal); events are fired on a small private carrier as an unregistered model,
which costs nothing per dossier to set up and leaves the public, slotted `Dossier`
untouched until the step has passed. States are the stages' codes (strings):
transitions' handling of Enum states costs about a third of each event.
``auto_transitions`` is off, since its ``to_<stage>`` methods skip every guard, and the
guard and callbacks are callables, not method names. Its transitions (`_Step`) do only
the guard, the state change and the machine's callbacks: transitions' per-event logging
and the per-transition and per-state callbacks ketnap never registers are skipped.

The machine's callbacks are where a step is recorded and where an application's hooks
run: ``before_state_change`` runs the *before* hooks once the rules have passed (one
that raises stops the step, the dossier unchanged), ``after_state_change`` records the
step on the dossier and then runs the *after* hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from transitions import EventData, Machine, Transition

__all__ = ["Carrier", "Engine", "mermaid"]


class _Edge(Protocol):
    @property
    def step(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...


class Carrier:
    """
    **Protocol-like base:** what the engine drives: a ``state`` holding a stage's code.

    The workflow's attempt object subclasses it, so the guard finds everything on the model.
    """

    __slots__ = ("state",)

    def __init__(self, stage: str) -> None:
        self.state: str = stage


Callback = Callable[[Carrier], None]


class _Step(Transition):
    """
    A transition that does what ketnap asks of one: the guard, the state, the callbacks.

    transitions' own ``execute`` also writes eight debug and info log lines per event and
    runs the per-transition ``prepare``/``before``/``after`` and per-state
    ``on_enter``/``on_exit`` callbacks; ketnap registers none of those, and the logging
    calls alone cost about a fifth of an event. ``transition_cls`` is transitions' own
    place for a machine's transition class.
    """

    def execute(self, event_data: EventData) -> bool:
        if not self._eval_conditions(event_data):
            return False
        machine = event_data.machine
        machine.callbacks(machine.before_state_change, event_data)
        if self.dest is not None:  # every ketnap step has one; None keeps the state
            machine.set_state(self.dest, event_data.model)
            event_data.update(getattr(event_data.model, machine.model_attribute))
        machine.callbacks(machine.after_state_change, event_data)
        return True


class _Machine(Machine):
    transition_cls = _Step


class Engine:
    """
    A shared state machine over the stage codes.

    Args:
        states: the stage codes.
        initial: the initial stage's code.
        edges: the process table.
        guard: called with the carrier being fired; the step happens only if it returns True.
        before: called with the carrier after the guard passed, before the state changes.
        after: called with the carrier after the state changed, in order.
    """

    def __init__(
        self,
        *,
        states: Sequence[str],
        initial: str,
        edges: Iterable[_Edge],
        guard: Callable[[Carrier], bool],
        before: Sequence[Callback] = (),
        after: Sequence[Callback] = (),
    ) -> None:
        self._guard = guard
        self._before = tuple(before)
        self._after = tuple(after)
        self._machine = _Machine(
            model=None,
            states=list(states),
            initial=initial,
            auto_transitions=False,
            send_event=True,
            before_state_change=[self._run_before] if self._before else None,
            after_state_change=[self._run_after] if self._after else None,
        )
        for edge in edges:
            self._machine.add_transition(
                edge.step, edge.source, edge.target, conditions=[self._condition]
            )

    def _condition(self, event: EventData) -> bool:
        carrier = event.model
        assert isinstance(carrier, Carrier)  # noqa: S101 - only fire() reaches here
        return self._guard(carrier)

    def _run_before(self, event: EventData) -> None:
        carrier = event.model
        assert isinstance(carrier, Carrier)  # noqa: S101 - only fire() reaches here
        for callback in self._before:
            callback(carrier)

    def _run_after(self, event: EventData) -> None:
        carrier = event.model
        assert isinstance(carrier, Carrier)  # noqa: S101 - only fire() reaches here
        for callback in self._after:
            callback(carrier)

    def fire(self, carrier: Carrier, step: str) -> str | None:
        """Fire *step* on *carrier*; return the stage reached, or None if the guard refused."""
        if self._machine.events[step].trigger(carrier):
            return carrier.state
        return None


class _Drawing:
    """A model for the diagram machine, which attaches ``get_graph`` to it."""


def mermaid(
    edges: Iterable[_Edge], *, initial: str, labels: Callable[[str], str], title: str
) -> str:
    """
    Draw *edges* as a Mermaid state diagram with transitions' own Mermaid engine.

    transitions names a state by its code; *labels* gives the text shown for it (the
    Vietnamese stage name), and steps are labelled the same way. Two steps between the
    same stages (a removal and a refused recognition) are drawn as two arrows, each with
    its own label, where transitions joins them on one ("remove | refuse_recognition").
    """
    # Imported here: the diagram extension is only needed when a diagram is drawn.
    from transitions.extensions.diagrams import GraphMachine  # noqa: PLC0415

    rows = list(edges)
    states = list(dict.fromkeys(s for row in rows for s in (row.source, row.target)))
    holder = _Drawing()
    GraphMachine(
        model=holder,
        states=states,
        transitions=[
            {"trigger": row.step, "source": row.source, "dest": row.target} for row in rows
        ],
        initial=initial,
        auto_transitions=False,
        graph_engine="mermaid",
        title=title,
    )
    text: str = holder.get_graph().draw(None)  # type: ignore[attr-defined]
    for state in states:
        text = text.replace(f'state "{state}" as {state}', f'state "{labels(state)}" as {state}')
    steps = {row.step for row in rows}
    lines = []
    for line in text.splitlines(keepends=True):
        edge, colon, named = line.rstrip("\n").partition(": ")
        if " --> " in edge and colon and all(s in steps for s in named.split(" | ")):
            lines += [f"{edge}: {labels(step)}\n" for step in named.split(" | ")]
        else:
            lines.append(line)
    return "".join(lines)
