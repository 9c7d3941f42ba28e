"""
Exceptions raised by ketnap.

The tree::

    KetnapError
    ├── InvalidInput (also ValueError)      bad data: a future birth date, an unknown
    │                                       education level, a negative vote count
    ├── InvalidRuleSet (also ValueError)    a rule set that cannot work (duplicate rule ids)
    ├── InvalidWorkflow                     a stage table that cannot work, found when built
    ├── NoRegulationInForce (also LookupError)
    │                                       no rule set covers the date of the act
    └── TransitionRefused                   a step refused; ``.failures`` lists every failed rule

Catch `KetnapError` for anything ketnap raises on purpose, or the builtin base
(`ValueError`, `LookupError`) where that reads better.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pendulum

    from ketnap.messages import Lang
    from ketnap.model import Actor, Stage, Step
    from ketnap.rules import Failure

__all__ = [
    "InvalidInput",
    "InvalidRuleSet",
    "InvalidWorkflow",
    "KetnapError",
    "NoRegulationInForce",
    "TransitionRefused",
]


class KetnapError(Exception):
    """Base class of every exception ketnap raises on purpose."""


class InvalidInput(KetnapError, ValueError):
    """
    A value that cannot describe a real dossier.

    Attributes:
        field: the name of the offending field, e.g. ``"birth_date"``.
        reason: what is wrong with it.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class InvalidRuleSet(KetnapError, ValueError):
    """A rule set that cannot be used, e.g. two rules with the same id."""


class InvalidWorkflow(KetnapError):
    """A stage/transition table that cannot work, detected when the workflow is built."""


class NoRegulationInForce(KetnapError, LookupError):
    """No rule set of the workflow is in force on the date of the act."""

    def __init__(self, on: pendulum.Date) -> None:
        self.on = on
        super().__init__(f"no rule set is in force on {on.isoformat()}")


class TransitionRefused(KetnapError):
    """
    A step was refused; the dossier is unchanged.

    Attributes:
        failures: every rule that failed, in rule-set order (never only the first).
        step: the step that was asked for.
        stage: the dossier's stage, which did not change.
        on: the date of the act.
        actor: who asked.
        regulation: code of the rule set that decided, e.g. ``"24-QĐ/TW"``.
    """

    def __init__(
        self,
        *,
        failures: tuple[Failure, ...],
        step: Step,
        stage: Stage,
        on: pendulum.Date,
        actor: Actor,
        regulation: str,
    ) -> None:
        self.failures = failures
        self.step = step
        self.stage = stage
        self.on = on
        self.actor = actor
        self.regulation = regulation
        super().__init__(self.text("en"))

    def text(self, lang: Lang = "vi") -> str:
        """Return every failure as one line each, in ``"vi"`` or ``"en"``."""
        head = (
            f"Không chấp nhận bước «{self.step.label}» ngày {self.on:%d/%m/%Y} ({self.regulation}):"
            if lang == "vi"
            else f"Step '{self.step.value}' refused on {self.on.isoformat()} ({self.regulation}):"
        )
        return "\n".join([head, *(f"  - {failure.text(lang)}" for failure in self.failures)])
