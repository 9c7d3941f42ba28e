"""
The refusals (*không chấp nhận*): a step, or an adoption, refused by the rules.

They are `ketnap.KetnapError`s like every other error, but they carry the rules'
`Failure`s, so they live here, above the rules' primitives, and the errors at the
bottom need nothing from the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from ketnap.errors import KetnapError
from ketnap.messages import Lang, Message
from ketnap.rules._base import Failure

__all__ = ["AdoptionRefused", "TransitionRefused"]


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
        failures: Sequence[Failure],
        step: str,
        stage: str,
        on: dt.date,
        actor: str,
        regulation: str,
        label: Callable[[str], Message] | None = None,
    ) -> None:
        self.failures = tuple(failures)
        self.step = step
        self.stage = stage
        self.on = on
        self.actor = actor
        self.regulation = regulation
        self._label = label or (lambda code: Message(vi=code, en=code))
        super().__init__(self.text("en"))

    def text(self, lang: Lang = "vi") -> str:
        """Return every failure as one line each, in ``"vi"`` or ``"en"``."""
        head = _REFUSED.render(
            lang, {"step": self._label(self.step), "on": self.on, "regulation": self.regulation}
        )
        return "\n".join([head, *(f"  - {failure.text(lang)}" for failure in self.failures)])


_REFUSED = Message(
    vi="Không chấp nhận bước «{step}» ngày {on} ({regulation}):",
    en="Step '{step}' refused on {on} ({regulation}):",
)


class AdoptionRefused(KetnapError):
    """
    A dossier in progress could not be adopted; the dossier is unchanged.

    Attributes:
        failures: ``(index, failure)`` for every failed rule of every known act, the index
            being the act's place in the list given, in order.
    """

    def __init__(
        self,
        failures: Sequence[tuple[int, Failure]],
        *,
        label: Callable[[str], Message] | None = None,
    ) -> None:
        self.failures = tuple(failures)
        self._label = label or (lambda code: Message(vi=code, en=code))
        super().__init__(self.text("en"))

    def text(self, lang: Lang = "vi") -> str:
        """Every failure, one line each, prefixed by the act it belongs to."""
        head = _ADOPTION_REFUSED.render(lang, {"count": len(self.failures)})
        lines = [f"  - [{index}] {failure.text(lang)}" for index, failure in self.failures]
        return "\n".join([head, *lines])


_ADOPTION_REFUSED = Message(
    vi="Không tiếp nhận được hồ sơ đang xử lý: {count} quy tắc không đạt",
    en="The dossier in progress could not be adopted: {count} rules failed",
)
