"""
Reference pages generated from the code: rule catalogue, changes, workflow diagram.

The documentation site builds them at every build (``make docs``), so they cannot
drift from the shipped rule sets and the stage table.

>>> "`age.minimum`" in rule_catalogue()
True
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

import attrs

from ketnap.law import Law
from ketnap.messages import Lang, Message
from ketnap.policy import Policy
from ketnap.rules._base import Rule
from ketnap.rules.authority import step_available
from ketnap.rules.regulations import REGULATIONS
from ketnap.rules.ruleset import Guidance, RuleSet

__all__ = ["regulation_changes", "rule_catalogue", "workflow_page"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _summary(rule: Rule) -> str:
    doc = rule.check.__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _variant(rule: Rule) -> tuple[str, str, str]:
    return (rule.clause, rule.message.vi, rule.message.en)


def rule_catalogue(regulations: Iterable[RuleSet] | None = None) -> str:
    """
    Markdown: every rule of *regulations* (the shipped ones by default), by family.

    For each rule: id, family, regulation reference ids, what it checks, the steps it guards, and
    per wording (clause, Vietnamese and English message) the regulations that use it.
    The rule the workflow applies under every regulation (`workflow.step_available`)
    is listed with them.
    """
    sets = list(REGULATIONS.values() if regulations is None else regulations)
    order: dict[str, list[tuple[RuleSet, Rule]]] = {}
    for ruleset in sets:
        for rule in (*ruleset, step_available):
            order.setdefault(rule.id, []).append((ruleset, rule))
    lines = [
        "# Rule catalogue",
        "",
        "Generated from the shipped rule sets when the site is built; do not edit by hand.",
        (
            f"{len(order)} rules over {len(sets)} regulations "
            f"({', '.join(r.code for r in sets)}). Messages show their placeholders "
            "(`{found}`), which each failure fills with the values it found."
        ),
        "",
    ]
    families: dict[str, list[str]] = {}
    for rule_id, uses in order.items():
        families.setdefault(uses[0][1].family.value, []).append(rule_id)
    for family, rule_ids in families.items():
        lines += [f"## {family.capitalize()}", ""]
        for rule_id in rule_ids:
            uses = order[rule_id]
            first = uses[0][1]
            steps = "every step" if first.steps is None else ", ".join(sorted(first.steps))
            in_force = ", ".join(ruleset.code for ruleset, _ in uses)
            lines += [
                f"### `{rule_id}`",
                "",
                f"{_summary(first)}",
                "",
                f"- reference: {_reference_links(first.ref)}",
                f"- steps: {steps}",
                f"- time-bound: {'declares its window' if first.window else 'no'}",
                f"- in force under: {in_force}",
                "",
                "| Regulations | Clause | Tiếng Việt | English |",
                "|---|---|---|---|",
            ]
            variants: dict[tuple[str, str, str], list[str]] = {}
            for ruleset, rule in uses:
                variants.setdefault(_variant(rule), []).append(ruleset.code)
            for (clause, vi, en), codes in variants.items():
                lines.append(
                    f"| {', '.join(codes)} | {_cell(clause)} | {_cell(vi)} | {_cell(en)} |"
                )
            lines.append("")
    return "\n".join(lines)


REFERENCE_IDS = re.compile(r"§\d+|[A-M]-\d{2}[a-z]?|—")
"""What a rule's ``ref`` cites: ids of the regulation reference (docs/reference/sources.md)."""


def _reference_links(ref: str) -> str:
    """Link each id of a rule's ``ref`` to its entry in the regulation reference."""
    return REFERENCE_IDS.sub(lambda m: f"[{m.group(0)}](sources.md#{m.group(0)})", ref)


def _show(value: object) -> str:
    if isinstance(value, frozenset | set):
        return "{" + ", ".join(sorted(str(item) for item in value)) + "}"
    if isinstance(value, Message):
        return f"«{value.vi}»"
    return f"`{value}`"


def _policy_changes(before: Policy, after: Policy) -> list[str]:
    old, new = attrs.asdict(before, recurse=False), attrs.asdict(after, recurse=False)
    return [
        f"`{name}` {_show(old[name])} → {_show(new[name])}"
        for name in old
        if old[name] != new[name]
    ]


def _guidance(guidance: Guidance) -> str:
    start, end = guidance.effective.start, guidance.effective.end
    dates = f"{start or '…'} to {end or '…'}"
    values = ", ".join(f"`{name}` {_show(value)}" for name, value in guidance.changes.items())
    return f"{guidance.code} ({dates}: {values})"


def regulation_changes(regulations: Sequence[RuleSet] | None = None) -> str:
    """Markdown: for each regulation after the first, the rules and values it changed."""
    sets = list(REGULATIONS.values() if regulations is None else regulations)
    lines = [
        "# What changed between regulations",
        "",
        "Generated from the shipped rule sets when the site is built; do not edit by hand.",
        "",
    ]
    for before, after in itertools.pairwise(sets):
        added = [r.id for r in after if r.id not in before]
        removed = [r.id for r in before if r.id not in after]
        changed = [
            r.id
            for r in after
            if r.id in before
            and (_variant(r), r.steps) != (_variant(before[r.id]), before[r.id].steps)
        ]
        policy = _policy_changes(before.policy, after.policy)
        lines += [
            f"## {before.code} → {after.code}",
            "",
            f"{after.title.vi} (from {after.effective.start}).",
            "",
        ]
        for label, items in (
            ("Rules added", [f"`{i}`" for i in added]),
            ("Rules removed", [f"`{i}`" for i in removed]),
            ("Rules with a new clause, message or steps", [f"`{i}`" for i in changed]),
            ("Policy values", policy),
            ("Guidance", [_guidance(g) for g in after.guidance]),
        ):
            lines.append(f"- **{label}**: {', '.join(items) if items else 'none'}")
        lines.append("")
    return "\n".join(lines)


def workflow_page(law: Law, lang: Lang = "vi") -> str:
    """Markdown: the workflow's Mermaid diagram and its table of stages."""
    process = law.process
    lines = [
        "# The workflow",
        "",
        "Generated from the workflow's stage table when the site is built.",
        "",
        "```mermaid",
        law.mermaid(lang).rstrip(),
        "```",
        "",
        "| Stage | Tiếng Việt | English | Tags |",
        "|---|---|---|---|",
        *(
            f"| `{s.code}` | {s.label.vi} | {s.label.en} | {', '.join(sorted(s.tags))} |"
            for s in process.stages
        ),
        "",
    ]
    return "\n".join(lines)
