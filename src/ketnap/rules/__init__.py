"""
Rules: data plus one small check each, grouped in families and versioned rule sets.

Write your own with the `rule` decorator and compose sets with `RuleSet.add`,
`RuleSet.replace`, `RuleSet.without` and `RuleSet.with_policy`.
"""

from __future__ import annotations

from ketnap.rules._base import (
    Check,
    Context,
    Failure,
    Family,
    Period,
    Rule,
    Values,
    Window,
    Windows,
    missing_approval,
    rule,
)
from ketnap.rules.refused import AdoptionRefused, TransitionRefused
from ketnap.rules.ruleset import Guidance, RuleSet

__all__ = [
    "AdoptionRefused",
    "Check",
    "Context",
    "Failure",
    "Family",
    "Guidance",
    "Period",
    "Rule",
    "RuleSet",
    "TransitionRefused",
    "Values",
    "Window",
    "Windows",
    "missing_approval",
    "rule",
]
