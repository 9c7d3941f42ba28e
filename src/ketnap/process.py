"""
The admission process as data (quy trình kết nạp): stages, steps, the table, the tags.

A `Process` is a value: its stages (code, labels, final or not, tags), its steps (code,
labels, tags), its table of `Transition` rows (source, step, target, who may fire it) and
its initial stage. `ketnap.Workflow` builds its transitions machine from it; deadlines,
reports, integrity checks, the store and the command line ask it (the initial stage, the
final stages, the stages or steps with a tag) and never name a shipped stage. The dates
the terms count from are asked of it too, by tag: `Process.admission_date` (party age),
`Process.ceremony_date` (probation), `Process.recognition_date`, `Process.removal_date`.

`ADMISSION` is the shipped process. Derive another with `Process.extend` and
`Process.without`:

>>> from ketnap import ADMISSION, Actor, Message, ProcessStage, ProcessStep, Stage, Step
>>> base_branch = ADMISSION.without(stages=[Stage.ENDORSED])
>>> Stage.ENDORSED in base_branch.stage_codes
False
>>> [t.target for t in base_branch.steps_from(Stage.PROPOSED) if t.step == Step.DECIDE_ADMISSION]
['admitted']

The tags the shipped process uses, and what asks for them:

===========================  =====================================================
stage tag                    meaning
===========================  =====================================================
``pipeline``                 before the admission decision (reports, forecasts)
``awaiting_decision``        proposed, waiting for a committee's decision
``probation``                a probationary member (đảng viên dự bị)
``member``                   a full member
``exit``                     left the path (refused, withdrawn, removed)
===========================  =====================================================

===========================  =====================================================
step tag                     meaning
===========================  =====================================================
``decision``                 a decision of a committee (quyết định)
``training``                 the awareness course completed
``sponsorship``              the helper and sponsors assigned
``proposal``                 the branch's resolution proposing admission
``endorsement``              the base committee's resolution endorsing it
``admission``                the admission decision
``ceremony``                 the admission ceremony
``recognition_proposal``     the branch's resolution proposing recognition
``recognition_endorsement``  the base committee's resolution endorsing it
``recognition``              recognition as a full member
``recognition_refusal``      the committee's decision not to recognise
``card``                     the party card issued
``refusal``                  admission refused
``withdrawal``               the candidate withdrew
``removal``                  removal from the probationary list
``referral``                 a case referred upward (F-09)
``appraisal``                a partial committee's appraisal of a branch resolution
``transfer``                 a probationary member's transfer to another branch
===========================  =====================================================
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final, TypeVar

import attrs
import pendulum

from ketnap.errors import InvalidInput, InvalidWorkflow
from ketnap.messages import Lang, Message
from ketnap.model import Actor, Dossier, HistoryEntry, Stage, Step

__all__ = [
    "ADMISSION",
    "Process",
    "ProcessStage",
    "ProcessStep",
    "Transition",
]


_T = TypeVar("_T")


def _tags(values: Iterable[str]) -> frozenset[str]:
    # A lone string would become a set of its letters: refuse it rather than guess.
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise InvalidWorkflow("tags: give a collection of strings, e.g. {'pipeline'}")
    return frozenset(values)


def _message(_instance: object, attribute: attrs.Attribute[Message], value: object) -> None:
    if not isinstance(value, Message):
        raise InvalidWorkflow(f"{attribute.name}: expected a Message(vi=..., en=...)")


def _actors_valid(_instance: object, _attribute: attrs.Attribute[object], value: object) -> None:
    if not isinstance(value, frozenset) or not all(isinstance(a, Actor) for a in value):
        raise InvalidWorkflow("actors: expected Actor members")


def _as_code(value: object) -> object:
    # A shipped member (a str enum) is stored as its plain string, as documents hold it.
    return str(value) if isinstance(value, str) else value


def _code(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidWorkflow(f"{attribute.name}: a code must be a non-empty string")


def _optional_code(value: object) -> str | None:
    # A shipped member (a str enum) is kept as its plain string, as documents hold codes.
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidWorkflow("guarded_as: a code must be a non-empty string or None")
    return str(value)


@attrs.frozen
class ProcessStage:
    """
    A stage (giai đoạn) of a process.

    Attributes:
        code: the stable code stored in documents and history, e.g. ``"probation"``.
        label: its name in Vietnamese and English.
        final: no step leads out of it.
        tags: what it means to reports and deadlines (``"pipeline"``, ``"probation"``...).
    """

    code: str = attrs.field(converter=_as_code, validator=_code)
    label: Message = attrs.field(validator=_message)
    final: bool = False
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)

    @property
    def message(self) -> Message:
        """The label, so that a stage renders as its name in a `Message`."""
        return self.label


@attrs.frozen
class ProcessStep:
    """
    A step (bước): an act of a party body that moves a dossier from a stage to another.

    Attributes:
        code: the stable code, e.g. ``"decide_admission"``; rules name the steps they guard
            by it.
        label: its name in Vietnamese and English.
        tags: what it means to reports and deadlines (``"decision"``, ``"admission"``...).
        guarded_as: the code the rules know this step by, when it is not its own: a step
            renamed by `Process.rename_step` keeps the rules of its former code. None: its
            own code.
    """

    code: str = attrs.field(converter=_as_code, validator=_code)
    label: Message = attrs.field(validator=_message)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_tags)
    guarded_as: str | None = attrs.field(default=None, converter=_optional_code, kw_only=True)

    @property
    def rule_code(self) -> str:
        """The code the rules guard this step by: `guarded_as`, or its own code."""
        return self.guarded_as or self.code

    @property
    def message(self) -> Message:
        """The label, so that a step renders as its name in a `Message`."""
        return self.label


def _actor_set(actors: Iterable[Actor]) -> frozenset[Actor]:
    return frozenset(actors)


@attrs.frozen
class Transition:
    """One row of the table: *step* leads from *source* to *target*, fired by *actors*."""

    step: str = attrs.field(converter=_as_code, validator=_code)
    source: str = attrs.field(converter=_as_code, validator=_code)
    target: str = attrs.field(converter=_as_code, validator=_code)
    actors: frozenset[Actor] = attrs.field(converter=_actor_set, validator=_actors_valid)


def _stage_tuple(stages: Iterable[ProcessStage]) -> tuple[ProcessStage, ...]:
    return tuple(stages)


def _step_tuple(steps: Iterable[ProcessStep]) -> tuple[ProcessStep, ...]:
    return tuple(steps)


def _row_tuple(rows: Iterable[Transition]) -> tuple[Transition, ...]:
    return tuple(rows)


@attrs.frozen
class Process:
    """
    An admission process: stages, steps, the table between them and the initial stage.

    Validated when built: codes are unique, every row names known stages and steps and at
    least one actor, no step leaves a final stage, every stage is reachable from the
    initial one and every stage that is not final has a way out.

    Raises:
        InvalidWorkflow: the process cannot work; the message says why.
    """

    name: Message = attrs.field(validator=_message)
    stages: tuple[ProcessStage, ...] = attrs.field(converter=_stage_tuple)
    steps: tuple[ProcessStep, ...] = attrs.field(converter=_step_tuple)
    transitions: tuple[Transition, ...] = attrs.field(converter=_row_tuple)
    initial: str = attrs.field(converter=_as_code, validator=_code)
    _stage_index: Mapping[str, ProcessStage] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _step_index: Mapping[str, ProcessStep] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _rows: Mapping[tuple[str, str], Transition] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _out: Mapping[str, tuple[Transition, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _ahead: Mapping[str, tuple[Transition, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _ahead_codes: Mapping[str, tuple[str, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _available: Mapping[str, tuple[str, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _tagged: Mapping[tuple[str, str], frozenset[str]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    _guarded: Mapping[str, ProcessStep] = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        stages = _unique({s.code: s for s in self.stages}, self.stages, "stage")
        steps = _unique({s.code: s for s in self.steps}, self.steps, "step")
        object.__setattr__(self, "_stage_index", MappingProxyType(stages))
        object.__setattr__(self, "_step_index", MappingProxyType(steps))
        object.__setattr__(self, "_rows", MappingProxyType(self._validate(stages, steps)))
        out: dict[str, list[Transition]] = {code: [] for code in stages}
        for row in self.transitions:
            out[row.source].append(row)
        object.__setattr__(self, "_out", MappingProxyType({k: tuple(v) for k, v in out.items()}))
        object.__setattr__(
            self, "_ahead", MappingProxyType({code: self._reach(code) for code in stages})
        )
        codes = {
            code: tuple(steps[row.step].rule_code for row in rows)
            for code, rows in self._ahead.items()
        }
        object.__setattr__(self, "_ahead_codes", MappingProxyType(codes))
        available = {code: tuple(row.step for row in rows) for code, rows in self._out.items()}
        object.__setattr__(self, "_available", MappingProxyType(available))
        tagged: dict[tuple[str, str], set[str]] = {}
        for kind, items in (("stage", self.stages), ("step", self.steps)):
            for item in items:
                for tag in item.tags:
                    tagged.setdefault((kind, tag), set()).add(item.code)
        object.__setattr__(
            self, "_tagged", MappingProxyType({k: frozenset(v) for k, v in tagged.items()})
        )
        object.__setattr__(self, "_guarded", MappingProxyType(_guarded(steps)))

    def _reach(self, stage: str) -> tuple[Transition, ...]:
        """The first row of each step reachable from *stage*, nearest first."""
        rows: dict[str, Transition] = {}
        seen = {stage}
        queue = deque([stage])
        while queue:
            for row in self._out[queue.popleft()]:
                rows.setdefault(row.step, row)
                if row.target not in seen:
                    seen.add(row.target)
                    queue.append(row.target)
        return tuple(rows.values())

    def _validate(
        self, stages: Mapping[str, ProcessStage], steps: Mapping[str, ProcessStep]
    ) -> dict[tuple[str, str], Transition]:
        if self.initial not in stages:
            raise InvalidWorkflow(f"the initial stage {self.initial!r} is not a stage")
        rows: dict[tuple[str, str], Transition] = {}
        for row in self.transitions:
            _check_row(row, stages, steps)
            key = (row.source, row.step)
            if key in rows:
                raise InvalidWorkflow(f"two rows for step {row.step} from {row.source}")
            rows[key] = row
        reachable = {self.initial}
        queue = deque(reachable)
        while queue:
            stage = queue.popleft()
            for row in rows.values():
                if row.source == stage and row.target not in reachable:
                    reachable.add(row.target)
                    queue.append(row.target)
        unreachable = set(stages) - reachable
        if unreachable:
            names = ", ".join(sorted(unreachable))
            raise InvalidWorkflow(f"stages unreachable from {self.initial}: {names}")
        sources = {source for source, _ in rows}
        dead_ends = {code for code, s in stages.items() if not s.final} - sources
        if dead_ends:
            raise InvalidWorkflow(f"stages with no way out: {', '.join(sorted(dead_ends))}")
        return rows

    # --- questions the rest of ketnap asks ------------------------------------------------

    @property
    def stage_codes(self) -> tuple[str, ...]:
        """The stage codes, in the process's order."""
        return tuple(s.code for s in self.stages)

    @property
    def step_codes(self) -> tuple[str, ...]:
        """The step codes, in the process's order."""
        return tuple(s.code for s in self.steps)

    @property
    def final(self) -> frozenset[str]:
        """The codes of the final stages."""
        return frozenset(s.code for s in self.stages if s.final)

    def stage(self, code: str) -> ProcessStage:
        """
        Return the stage with *code*.

        Raises:
            InvalidInput: the process has no such stage (field ``stage``).
        """
        found = self._stage_index.get(code)
        if found is None:
            known = ", ".join(self.stage_codes)
            raise InvalidInput("stage", f"unknown stage {str(code)!r}; this process has: {known}")
        return found

    def step(self, code: str) -> ProcessStep:
        """
        Return the step with *code*.

        Raises:
            InvalidInput: the process has no such step (field ``step``).
        """
        found = self._step_index.get(code)
        if found is None:
            known = ", ".join(self.step_codes)
            raise InvalidInput("step", f"unknown step {str(code)!r}; this process has: {known}")
        return found

    def knows_stage(self, code: str) -> bool:
        """Whether the process has a stage with *code*."""
        return code in self._stage_index

    def label(self, code: str) -> Message:
        """
        The label of the stage or step with *code* (the code itself if unknown).

        The code a renamed step is guarded as (`ProcessStep.guarded_as`), which the rules
        see, is labelled as that step.
        """
        found = self._stage_index.get(code) or self._step_index.get(code) or self._guarded.get(code)
        return found.label if found is not None else Message(vi=code, en=code)

    def text(self, code: str, lang: Lang = "vi") -> str:
        """The label of the stage or step with *code*, in *lang*."""
        return self.label(code).render(lang)

    def stages_tagged(self, tag: str) -> frozenset[str]:
        """The codes of the stages with *tag*."""
        return self._tagged.get(("stage", tag), frozenset())

    def steps_tagged(self, tag: str) -> frozenset[str]:
        """The codes of the steps with *tag*."""
        return self._tagged.get(("step", tag), frozenset())

    def available(self, stage: str) -> tuple[str, ...]:
        """The codes of the steps that lead out of *stage*, in table order."""
        return self._available.get(stage, ())

    def row(self, stage: str, step: str) -> Transition | None:
        """The row for *step* from *stage*, or None when the stage has no such step."""
        return self._rows.get((stage, step))

    def steps_from(self, stage: str) -> tuple[Transition, ...]:
        """The rows that lead out of *stage*, in table order."""
        return self._out.get(stage, ())

    def steps_ahead(self, stage: str) -> tuple[Transition, ...]:
        """
        The steps still ahead of a dossier at *stage*, nearest first.

        For each step reachable from *stage*, the first row that reaches it.

        >>> [row.step for row in ADMISSION.steps_ahead("full_member")]
        ['issue_card']
        """
        return self._ahead.get(stage, ())

    def recorded_as(self, rule_code: str) -> str:
        """
        The code this process records the step the rules know as *rule_code* under.

        The renamed code of a renamed step, else *rule_code* itself: a rule that reads an
        earlier act (the branch's resolution, a referral) finds it under either.
        """
        found = self._guarded.get(rule_code)
        return rule_code if found is None else found.code

    def rule_codes_ahead(self, stage: str) -> tuple[str, ...]:
        """The codes the rules guard the steps ahead of *stage* by (`steps_ahead`, `rule_code`)."""
        return self._ahead_codes.get(stage, ())

    def is_final(self, stage: str) -> bool:
        """Whether the stage with code *stage* is final."""
        return self.stage(stage).final

    def rule_code(self, step: str) -> str:
        """
        The code the rules guard the step with code *step* by (`ProcessStep.rule_code`).

        Its own code, unless the process renamed it; an unknown code is returned as it is.
        """
        found = self._step_index.get(step)
        return step if found is None else found.rule_code

    def acts(self, dossier: Dossier, tag: str) -> tuple[HistoryEntry, ...]:
        """The history entries of *dossier* whose step has *tag* (``"decision"``...)."""
        steps = self.steps_tagged(tag)
        return tuple(entry for entry in dossier.history if entry.step in steps)

    # --- the dates the terms count from -----------------------------------------------------

    def last_act(self, dossier: Dossier, tag: str) -> HistoryEntry | None:
        """
        The latest history entry of *dossier* whose step has *tag*, if any.

        >>> from ketnap.testing import make_dossier
        >>> import pendulum
        >>> print(ADMISSION.last_act(make_dossier(meeting=pendulum.date(2024, 3, 12)), "ceremony"))
        None
        """
        steps = self.steps_tagged(tag)
        for entry in reversed(dossier.history):
            if entry.step in steps:
                return entry
        return None

    def _date(self, dossier: Dossier, tag: str) -> pendulum.Date | None:
        entry = self.last_act(dossier, tag)
        return None if entry is None else entry.on

    def admission_date(self, dossier: Dossier) -> pendulum.Date | None:
        """
        The date of *dossier*'s admission decision (step tagged ``admission``), if taken.

        Party age counts from it (J-01); the ceremony's term counts from it until the
        branch's receipt of the decision is recorded (QĐ §4.1).
        """
        return self._date(dossier, "admission")

    def ceremony_date(self, dossier: Dossier) -> pendulum.Date | None:
        """
        The date of *dossier*'s admission ceremony (step tagged ``ceremony``), if held.

        The day the candidate joins (ngày vào Đảng); probation counts from it (H-01).
        """
        return self._date(dossier, "ceremony")

    def recognition_date(self, dossier: Dossier) -> pendulum.Date | None:
        """The date *dossier*'s member was recognised as official (step tagged ``recognition``)."""
        return self._date(dossier, "recognition")

    def removal_date(self, dossier: Dossier) -> pendulum.Date | None:
        """The date *dossier*'s name was removed from the probationary list (tag ``removal``)."""
        return self._date(dossier, "removal")

    # --- deriving another process -----------------------------------------------------------

    def extend(
        self,
        *,
        stages: Iterable[ProcessStage] = (),
        steps: Iterable[ProcessStep] = (),
        transitions: Iterable[Transition] = (),
        name: Message | None = None,
    ) -> Process:
        """
        Return a process with *stages*, *steps* and table rows added.

        A row for a (source, step) pair that already has one replaces it: that is how a
        step is re-routed to another target.

        Raises:
            InvalidWorkflow: the result cannot work (an unknown code, an unreachable stage).
        """
        added = list(transitions)
        replaced = {(row.source, row.step) for row in added}
        kept = [row for row in self.transitions if (row.source, row.step) not in replaced]
        return attrs.evolve(
            self,
            name=name or self.name,
            stages=(*self.stages, *stages),
            steps=(*self.steps, *steps),
            transitions=(*kept, *added),
        )

    def without(
        self,
        *,
        stages: Iterable[str] = (),
        steps: Iterable[str] = (),
        transitions: Iterable[tuple[str, str]] = (),
        name: Message | None = None,
    ) -> Process:
        """
        Return a process without the named stages, steps and (source, step) rows.

        The rows into or out of a removed stage, and the rows of a removed step, go with
        it; a step left with no row is removed too.

        Raises:
            InvalidWorkflow: a name is not in this process (so that a typo does not pass
                silently), or the result cannot work.
        """
        drop_stages, drop_steps, drop_rows = set(stages), set(steps), set(transitions)
        unknown = (drop_stages - set(self.stage_codes)) | (drop_steps - set(self.step_codes))
        unknown |= {f"{s}/{t}" for s, t in drop_rows if (s, t) not in self._rows}
        if unknown:
            raise InvalidWorkflow(f"not in this process: {', '.join(sorted(unknown))}")
        rows = [
            row
            for row in self.transitions
            if row.source not in drop_stages
            and row.target not in drop_stages
            and row.step not in drop_steps
            and (row.source, row.step) not in drop_rows
        ]
        used = {row.step for row in rows}
        return attrs.evolve(
            self,
            name=name or self.name,
            stages=[s for s in self.stages if s.code not in drop_stages],
            steps=[s for s in self.steps if s.code in used],
            transitions=rows,
        )

    def rename_step(self, code: str, new_code: str, *, label: Message | None = None) -> Process:
        """
        Return a process in which the step *code* is called *new_code* (and *label*).

        The step keeps its tags, its rows and its rules: the rules that guard *code* guard
        it (`ProcessStep.guarded_as`), and see it by that code (`ketnap.rules.Context.step`).
        Documents record *new_code*; the dates the terms count from follow the tags.

        >>> local = ADMISSION.rename_step(Step.DECIDE_ADMISSION, "ra_quyet_dinh_ket_nap")
        >>> sorted(local.steps_tagged("admission")), local.rule_code("ra_quyet_dinh_ket_nap")
        (['ra_quyet_dinh_ket_nap'], 'decide_admission')

        The rules find a renamed step's earlier acts through the process (`recorded_as`).
        The transfer cannot be renamed: the stored facts count its acts by the shipped
        code (`ketnap.facts` knows no process).

        Raises:
            InvalidWorkflow: *code* is not a step of this process, or *new_code* already is,
                or *code* is the transfer.
        """
        old = str(code)
        if old not in self._step_index:
            raise InvalidWorkflow(f"not in this process: {old}")
        if self._step_index[old].rule_code in _READ_BACK:
            raise InvalidWorkflow(
                f"{old!r} cannot be renamed: the stored facts count its acts by that code"
            )
        if new_code in self._step_index or new_code in self._stage_index:
            raise InvalidWorkflow(f"{new_code!r} is already a code of this process")
        step = self._step_index[old]
        renamed = attrs.evolve(
            step, code=new_code, label=label or step.label, guarded_as=step.rule_code
        )
        return attrs.evolve(
            self,
            steps=[renamed if s.code == old else s for s in self.steps],
            transitions=[
                attrs.evolve(row, step=new_code) if row.step == old else row
                for row in self.transitions
            ],
        )


# The steps whose acts the stored facts count by the shipped code (the transfers that
# split a member's events between branches, `ketnap.facts`), which knows no process:
# renaming one would leave the store blind to it. The rules find earlier acts through
# the process (`recorded_as`).
_READ_BACK: Final = frozenset({Step.TRANSFER})


def _guarded(steps: Mapping[str, ProcessStep]) -> dict[str, ProcessStep]:
    """The renamed steps by the code their rules know them by; each code means one step."""
    guarded: dict[str, ProcessStep] = {}
    for step in steps.values():
        if step.guarded_as is None or step.guarded_as == step.code:
            continue
        if step.guarded_as in _READ_BACK:
            raise InvalidWorkflow(
                f"step {step.code!r} cannot be guarded as {step.guarded_as!r}: the stored "
                "facts count its acts by that code"
            )
        if step.guarded_as in steps:
            raise InvalidWorkflow(
                f"step {step.code!r} is guarded as {step.guarded_as!r}, a step of its own"
            )
        if step.guarded_as in guarded:
            raise InvalidWorkflow(f"two steps are guarded as {step.guarded_as!r}")
        guarded[step.guarded_as] = step
    return guarded


def _check_row(
    row: Transition, stages: Mapping[str, ProcessStage], steps: Mapping[str, ProcessStep]
) -> None:
    for code in (row.source, row.target):
        if code not in stages:
            raise InvalidWorkflow(f"step {row.step!r} names unknown stage {code!r}")
    if row.step not in steps:
        raise InvalidWorkflow(f"the table names unknown step {row.step!r}")
    if stages[row.source].final:
        raise InvalidWorkflow(f"final stage {row.source} has an outgoing step")
    if not row.actors:
        raise InvalidWorkflow(f"step {row.step} from {row.source} has no actor")


def _unique(index: dict[str, _T], items: tuple[_T, ...], kind: str) -> dict[str, _T]:
    if len(index) != len(items):
        raise InvalidWorkflow(f"a {kind} code appears twice")
    return index


def _stage(code: Stage, *tags: str, final: bool = False) -> ProcessStage:
    return ProcessStage(code, code.message, final=final, tags=frozenset(tags))


def _step(code: Step, *tags: str) -> ProcessStep:
    return ProcessStep(code, code.message, tags=frozenset(tags))


_B, _BC, _CC = Actor.BRANCH, Actor.BASE_COMMITTEE, Actor.COMPETENT_COMMITTEE
_PC = Actor.PARTIAL_COMMITTEE
_PRE_DECISION = (Stage.SOURCE_POOL, Stage.TRAINED, Stage.PREPARED, Stage.PROPOSED, Stage.ENDORSED)

ADMISSION = Process(
    name=Message(vi="Quy trình kết nạp đảng viên", en="Admission workflow"),
    stages=(
        _stage(Stage.SOURCE_POOL, "pipeline"),
        _stage(Stage.TRAINED, "pipeline"),
        _stage(Stage.PREPARED, "pipeline"),
        _stage(Stage.PROPOSED, "pipeline", "awaiting_decision"),
        _stage(Stage.ENDORSED, "pipeline", "awaiting_decision"),
        _stage(Stage.ADMITTED, "admitted"),
        _stage(Stage.PROBATION, "probation"),
        _stage(Stage.RECOGNITION_PROPOSED, "probation"),
        _stage(Stage.RECOGNITION_ENDORSED, "probation"),
        _stage(Stage.ESCALATED, "probation"),
        _stage(Stage.FULL_MEMBER, "member"),
        _stage(Stage.CARD_ISSUED, "member", final=True),
        _stage(Stage.REFUSED, "exit", final=True),
        _stage(Stage.WITHDRAWN, "exit", final=True),
        _stage(Stage.REMOVED, "exit", final=True),
    ),
    steps=(
        _step(Step.COMPLETE_TRAINING, "training"),
        _step(Step.ASSIGN_SPONSORS, "sponsorship"),
        _step(Step.PROPOSE_ADMISSION, "proposal"),
        _step(Step.ENDORSE, "endorsement"),
        _step(Step.DECIDE_ADMISSION, "decision", "admission"),
        _step(Step.HOLD_CEREMONY, "ceremony"),
        _step(Step.PROPOSE_RECOGNITION, "recognition_proposal"),
        _step(Step.ENDORSE_RECOGNITION, "recognition_endorsement"),
        _step(Step.ESCALATE, "referral"),
        _step(Step.RECOGNIZE, "decision", "recognition"),
        _step(Step.ISSUE_CARD, "decision", "card"),
        _step(Step.REFUSE, "decision", "refusal"),
        _step(Step.WITHDRAW, "withdrawal"),
        _step(Step.REMOVE, "decision", "removal"),
        _step(Step.REFUSE_RECOGNITION, "decision", "removal", "recognition_refusal"),
        _step(Step.APPRAISE_ADMISSION, "appraisal"),
        _step(Step.APPRAISE_RECOGNITION, "appraisal"),
        _step(Step.TRANSFER, "transfer"),
    ),
    transitions=(
        Transition(Step.COMPLETE_TRAINING, Stage.SOURCE_POOL, Stage.TRAINED, {_B, _BC}),
        Transition(Step.ASSIGN_SPONSORS, Stage.TRAINED, Stage.PREPARED, {_B}),
        Transition(Step.PROPOSE_ADMISSION, Stage.PREPARED, Stage.PROPOSED, {_B}),
        Transition(Step.ENDORSE, Stage.PROPOSED, Stage.ENDORSED, {_BC}),
        Transition(Step.DECIDE_ADMISSION, Stage.PROPOSED, Stage.ADMITTED, {_CC}),
        Transition(Step.DECIDE_ADMISSION, Stage.ENDORSED, Stage.ADMITTED, {_CC}),
        Transition(Step.HOLD_CEREMONY, Stage.ADMITTED, Stage.PROBATION, {_B}),
        Transition(Step.PROPOSE_RECOGNITION, Stage.PROBATION, Stage.RECOGNITION_PROPOSED, {_B}),
        Transition(Step.ESCALATE, Stage.PROBATION, Stage.ESCALATED, {_B}),
        Transition(
            Step.ENDORSE_RECOGNITION, Stage.RECOGNITION_PROPOSED, Stage.RECOGNITION_ENDORSED, {_BC}
        ),
        Transition(Step.RECOGNIZE, Stage.RECOGNITION_PROPOSED, Stage.FULL_MEMBER, {_CC}),
        Transition(Step.RECOGNIZE, Stage.RECOGNITION_ENDORSED, Stage.FULL_MEMBER, {_CC}),
        Transition(Step.RECOGNIZE, Stage.ESCALATED, Stage.FULL_MEMBER, {_CC}),
        # F-09: a base committee short of two thirds three times reports upward too.
        Transition(Step.ESCALATE, Stage.RECOGNITION_PROPOSED, Stage.ESCALATED, {_BC}),
        Transition(Step.ISSUE_CARD, Stage.FULL_MEMBER, Stage.CARD_ISSUED, {_CC}),
        Transition(Step.REFUSE, Stage.PREPARED, Stage.REFUSED, {_B}),
        Transition(Step.REFUSE, Stage.PROPOSED, Stage.REFUSED, {_BC, _CC}),
        Transition(Step.REFUSE, Stage.ENDORSED, Stage.REFUSED, {_CC}),
        *(Transition(Step.WITHDRAW, stage, Stage.WITHDRAWN, {_B}) for stage in _PRE_DECISION),
        Transition(Step.REMOVE, Stage.PROBATION, Stage.REMOVED, {_CC}),
        Transition(Step.REMOVE, Stage.RECOGNITION_PROPOSED, Stage.REMOVED, {_CC}),
        Transition(Step.REMOVE, Stage.RECOGNITION_ENDORSED, Stage.REMOVED, {_CC}),
        Transition(Step.REMOVE, Stage.ESCALATED, Stage.REMOVED, {_CC}),
        # QĐ 29 §4.3.1: the committee may not agree to a recognition; the name is removed.
        Transition(Step.REFUSE_RECOGNITION, Stage.RECOGNITION_PROPOSED, Stage.REMOVED, {_CC}),
        Transition(Step.REFUSE_RECOGNITION, Stage.RECOGNITION_ENDORSED, Stage.REMOVED, {_CC}),
        # F-05a: where a partial committee sits between the branch and the base committee,
        # it appraises the branch's resolution (7-KNĐ, 14-KNĐ); the stage does not change.
        Transition(Step.APPRAISE_ADMISSION, Stage.PROPOSED, Stage.PROPOSED, {_PC}),
        Transition(
            Step.APPRAISE_RECOGNITION, Stage.RECOGNITION_PROPOSED, Stage.RECOGNITION_PROPOSED, {_PC}
        ),
        # I-10: a probationary member moves to another branch, which goes on with probation.
        Transition(Step.TRANSFER, Stage.PROBATION, Stage.PROBATION, {_B, _CC}),
    ),
    initial=Stage.SOURCE_POOL,
)
"""
The shipped admission path (Charter Art. 4-5). There is no probation extension (I-08):
probation ends in recognition, referral upward (F-09) or removal. Under a base committee,
recognition goes through its endorsement as admission does (15-KNĐ, HD 12-HD/BTCTW); a base
committee that three times fails to reach two thirds refers the case upward as a branch
does (F-09, QĐ 29 §4.2c). The competent committee may refuse a proposed recognition, which
removes the name from the probationary list (I-06, QĐ 29 §4.3.1). A probationary member
may transfer to another branch, which goes on with the probation (I-10); where a partial
committee sits under the base committee, it appraises each branch resolution before the
base committee considers it (F-05a).
"""
