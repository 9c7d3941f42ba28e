"""`RuleSet`: an immutable, ordered, versioned collection of rules with its policy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs
import pendulum

from ketnap.errors import InvalidRuleSet
from ketnap.messages import Message
from ketnap.policy import Policy
from ketnap.rules._base import Period, Rule

__all__ = ["Guidance", "RuleSet"]

# Days whose policy a rule set remembers before it starts again (a few years of days).
_DAYS_KEPT = 4096


def _check_ids(rules: tuple[Rule, ...]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise InvalidRuleSet(f"rule id {rule.id!r} appears twice")
        seen.add(rule.id)


def _rule_tuple(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(rules)


def _changes(value: Mapping[str, Any]) -> Mapping[str, Any]:
    Policy().with_changes(**value)  # an unknown name or a wrong value fails here, named
    return MappingProxyType(dict(value))


@attrs.frozen
class Guidance:
    """
    A guidance text (hướng dẫn) with its own dates, and the policy values it sets.

    Guidance is issued apart from the regulation it implements and changes on its own
    dates: HD 01-HD/TW of 2016 ran until 27 Sep 2021, HD 01 of 2021 from its signing on
    28 Sep 2021 until 8 Jun 2025, HD 06 from 9 Jun 2025. A Secretariat rule the
    regulation defers to is one too (QĐ 173-QĐ/TW on population-policy cases, to 27 Aug
    2018). A rule whose content comes from guidance reads the value the guidance in force
    on the date of the act sets (`RuleSet.policy_on`).

    Attributes:
        code: the text's code, e.g. ``"HD 01-HD/TW 2021"``.
        effective: when it is in force.
        changes: the policy values it sets (names of `ketnap.Policy` fields).
    """

    code: str
    effective: Period
    changes: Mapping[str, Any] = attrs.field(converter=_changes)


def _guidance_tuple(guidance: Iterable[Guidance]) -> tuple[Guidance, ...]:
    return tuple(guidance)


@attrs.frozen
class RuleSet:
    """
    The rules and policy of one regulation (or of a deployment's variant of it).

    Rule sets are values: `replace`, `add`, `without` and `with_policy` return new
    sets and never change the library's own.

    >>> from ketnap import QD_24_2021
    >>> stricter = QD_24_2021.with_policy(sponsor_months=24).renamed("24-QĐ/TW+local")
    >>> stricter.policy.sponsor_months, QD_24_2021.policy.sponsor_months
    (24, 12)

    Attributes:
        code: the regulation's code, e.g. ``"24-QĐ/TW"``.
        title: its title in both languages.
        effective: when it is in force; the workflow picks the set by the date of the act.
        rules: the rules, in the order failures are reported.
        policy: the policy values the rules read, before any guidance.
        references: where the rules come from.
        guidance: the guidance texts that implement it, each on its own dates; on a date,
            the values of the guidance then in force apply over ``policy``.
    """

    code: str
    title: Message
    effective: Period
    rules: tuple[Rule, ...] = attrs.field(converter=_rule_tuple)
    policy: Policy = Policy()
    references: tuple[str, ...] = ()
    guidance: tuple[Guidance, ...] = attrs.field(default=(), converter=_guidance_tuple)
    # Filled on first use per step code: a process may have steps no shipped set names.
    _by_step: dict[str, tuple[Rule, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False, factory=dict
    )

    _timed: dict[tuple[str, ...], tuple[tuple[Rule, int], ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False, factory=dict
    )

    _policies: dict[tuple[str, ...], Policy] = attrs.field(
        init=False, eq=False, repr=False, hash=False, factory=dict
    )

    # The policy of each day asked: every rule's context asks, a few times a dossier.
    _policy_by_day: dict[pendulum.Date, Policy] = attrs.field(
        init=False, eq=False, repr=False, hash=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        _check_ids(self.rules)

    def policy_on(self, on: pendulum.Date) -> Policy:
        """
        The policy the rules read on *on*: ``policy`` with the guidance then in force.

        >>> from ketnap import QD_232_2025, PoliticalTopic
        >>> import pendulum
        >>> len(QD_232_2025.policy_on(pendulum.date(2025, 6, 8)).political_topics)
        3
        >>> QD_232_2025.policy_on(pendulum.date(2025, 6, 9)).political_topics == {
        ...     PoliticalTopic.POLITICAL_STANDARDS}
        True
        """
        found = self._policy_by_day.get(on)
        if found is not None:
            return found
        applying = tuple(g for g in self.guidance if g.effective.contains(on))
        key = tuple(g.code for g in applying)
        found = self._policies.get(key)
        if found is None:
            found = self.policy
            for guidance in applying:
                found = found.with_changes(**guidance.changes)
            self._policies[key] = found
        if len(self._policy_by_day) >= _DAYS_KEPT:
            self._policy_by_day.clear()
        self._policy_by_day[on] = found
        return found

    def for_step(self, step: str) -> tuple[Rule, ...]:
        """Return the rules that guard the step with code *step*, in order."""
        found = self._by_step.get(step)
        if found is None:
            found = tuple(rule for rule in self.rules if rule.guards(step))
            self._by_step[step] = found
        return found

    def timed_among(self, steps: tuple[str, ...]) -> tuple[tuple[Rule, int], ...]:
        """
        Return each time-bound rule guarding one of *steps*, with the first one's index.

        Time-bound rules are those with a window; they come in rule order.

        What the deadlines of a dossier read: its steps ahead, nearest first.
        """
        found = self._timed.get(steps)
        if found is None:
            pairs = []
            for rule in self.rules:
                if rule.window is None:
                    continue
                first = next((i for i, step in enumerate(steps) if rule.guards(step)), None)
                if first is not None:
                    pairs.append((rule, first))
            found = tuple(pairs)
            self._timed[steps] = found
        return found

    def __getitem__(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def __contains__(self, rule_id: object) -> bool:
        return any(rule.id == rule_id for rule in self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def ids(self) -> tuple[str, ...]:
        """The rule ids, in order."""
        return tuple(rule.id for rule in self.rules)

    def replace(self, *rules: Rule) -> RuleSet:
        """
        Return a set where each of *rules* takes the place of the rule with its id.

        Raises:
            KeyError: a rule's id is not in this set (use `add` for new rules).
        """
        by_id = {rule.id: rule for rule in rules}
        missing = set(by_id) - set(self.ids)
        if missing:
            raise KeyError(f"no rule with id {sorted(missing)} to replace; use add()")
        return attrs.evolve(self, rules=tuple(by_id.get(rule.id, rule) for rule in self.rules))

    def add(self, *rules: Rule) -> RuleSet:
        """Return a set with *rules* appended (a duplicate id raises `InvalidRuleSet`)."""
        return attrs.evolve(self, rules=(*self.rules, *rules))

    def without(self, *rule_ids: str) -> RuleSet:
        """
        Return a set without the rules named by *rule_ids*.

        Raises:
            KeyError: an id is not in this set, so that a typo does not pass silently.
        """
        missing = set(rule_ids) - set(self.ids)
        if missing:
            raise KeyError(f"no rule with id {sorted(missing)}")
        drop = set(rule_ids)
        return attrs.evolve(self, rules=tuple(r for r in self.rules if r.id not in drop))

    def with_policy(self, **changes: Any) -> RuleSet:
        """
        Return a set whose policy has *changes* applied.

        Raises:
            InvalidInput: an unknown policy name, or a value of the wrong type or range.
        """
        return attrs.evolve(self, policy=self.policy.with_changes(**changes))

    def renamed(
        self, code: str, *, title: Message | None = None, effective: Period | None = None
    ) -> RuleSet:
        """Return the same rules under another code (and optionally title and period)."""
        return attrs.evolve(
            self, code=code, title=title or self.title, effective=effective or self.effective
        )
