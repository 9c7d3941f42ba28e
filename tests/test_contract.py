"""Contracts every rule and the public API must keep."""

from __future__ import annotations

import copy
import itertools
import pathlib
import re
import types

import attrs
import pendulum
import pytest

import ketnap
from ketnap import ADMISSION, REGULATIONS, Law, Rule, Stage, Step, Workflow
from ketnap.catalogue import regulation_changes, rule_catalogue, workflow_page
from ketnap.messages import Lang
from ketnap.rules import Context, Family
from ketnap.rules.authority import step_available
from ketnap.testing import make_dossier, walk

ALL_RULES: dict[str, Rule] = {rule.id: rule for ruleset in REGULATIONS.values() for rule in ruleset}
ALL_RULES["workflow.step_available"] = step_available
TESTS = pathlib.Path(__file__).parent


RULES = [ALL_RULES[rule_id] for rule_id in sorted(ALL_RULES)]


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
class TestRuleContract:
    """What holidays' CommonCountryTests are to countries, this is to rules."""

    def test_identity(self, rule: Rule) -> None:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", rule.id)
        assert rule.id.split(".")[0] == rule.family.value
        assert isinstance(rule.family, Family)
        assert rule.ref
        assert rule.clause
        # None guards every step; a rule never names an empty set of steps.
        assert rule.steps is None or rule.steps

    def test_bilingual_message(self, rule: Rule) -> None:
        assert rule.message.vi.strip()
        assert rule.message.en.strip()
        assert rule.message.vi != rule.message.en or "{" in rule.message.vi

    def test_documented(self, rule: Rule) -> None:
        assert rule.check.__doc__

    def test_tested_by_name(self, rule: Rule) -> None:
        """Every rule id appears in the rule tests, so none ships untested."""
        corpus = "".join(p.read_text(encoding="utf-8") for p in (TESTS / "rules").glob("*.py"))
        assert f'"{rule.id}"' in corpus

    def test_pure(self, rule: Rule, workflow: Workflow) -> None:
        """A check neither changes the dossier nor answers differently for the same date."""
        meeting = pendulum.Date(2024, 3, 12)
        dossier = make_dossier(meeting=meeting)
        walk(workflow, dossier, meeting=meeting, until=Stage.PROBATION)
        before = copy.deepcopy(dossier)
        for step in ADMISSION.step_codes if rule.steps is None else rule.steps:
            on = pendulum.Date(2025, 5, 1)
            context = Context(
                dossier=dossier,
                on=on,
                actor=ketnap.Actor.BRANCH,
                step=step,
                source=dossier.stage,
                target=Stage.FULL_MEMBER,
                actors=frozenset({ketnap.Actor.BRANCH}),
                policy=workflow.law.ruleset_for(on).policy,
                calendar=workflow.law.calendar,
                process=workflow.law.process,
            )
            first, second = rule.evaluate(context), rule.evaluate(context)
            assert first == second
            assert (first is None) == (second is None)
        assert dossier.history == before.history
        assert dossier.votes == before.votes
        assert dossier.stage == before.stage


def test_the_catalogue_lists_every_shipped_rule_in_every_regulation() -> None:
    """The generated rule catalogue names every rule, with each regulation it is in force in."""
    page = rule_catalogue()
    for ruleset in REGULATIONS.values():
        for rule in (*ruleset, ALL_RULES["workflow.step_available"]):
            section = page.split(f"### `{rule.id}`", 1)
            assert len(section) == 2, rule.id
            in_force = section[1].split("### ", 1)[0]
            assert ruleset.code in in_force, (rule.id, ruleset.code)
            assert rule.clause.replace("|", "\\|") in in_force, rule.id
    assert rule_catalogue([]).count("### ") == 0


def test_the_diagram_shows_every_stage_and_step_in_both_languages() -> None:
    langs: tuple[Lang, ...] = ("vi", "en")
    for lang in langs:
        page = workflow_page(Law(), lang)
        for stage in ADMISSION.stages:
            assert f'state "{stage.label.render(lang)}" as {stage.code}' in page, stage.code
        for row in ADMISSION.transitions:
            assert f"{row.source} --> {row.target}: {ADMISSION.text(row.step, lang)}" in page


def test_the_changes_page_names_every_regulation_and_policy_change() -> None:
    page = regulation_changes()
    codes = list(REGULATIONS)
    for before, after in itertools.pairwise(codes):
        assert f"## {before} → {after}" in page
    assert "`accept_equivalent_education` `True` → `False`" in page
    assert "`readmission.excluded`" in page


def test_docs_list_every_policy_value() -> None:
    """docs/policy.md names every policy value."""
    policy_page = (TESTS.parent / "docs" / "policy.md").read_text(encoding="utf-8")
    for field in attrs.fields(ketnap.Policy):
        assert f"`{field.name}`" in policy_page, field.name


def test_every_shipped_step_is_guarded() -> None:
    """Each step but the exits has at least one rule of its own beyond authority and order."""
    generic = {"authority.actor", "timing.chronology"}
    for ruleset in REGULATIONS.values():
        for step in Step:
            own = {r.id for r in ruleset.for_step(step)} - generic
            if step not in {Step.REFUSE, Step.WITHDRAW}:
                assert own, (ruleset.code, step)


def test_public_api_is_exactly_all() -> None:
    """Pin the public surface (httpx's test_exported_members)."""
    public = {
        name
        for name in dir(ketnap)
        if not name.startswith("_") and not isinstance(getattr(ketnap, name), types.ModuleType)
    }
    assert public == set(ketnap.__all__)
    assert len(ketnap.__all__) == len(set(ketnap.__all__))


def test_every_reference_id_cited_in_the_code_is_documented() -> None:
    """Each id a rule or a docstring cites resolves to an entry of the regulation reference."""
    from ketnap.catalogue import REFERENCE_IDS  # noqa: PLC0415

    page = (TESTS.parent / "docs" / "reference" / "sources.md").read_text(encoding="utf-8")
    documented = set(re.findall(r'<span id="([^"]+)"></span>', page))
    cited: set[str] = set()
    for ruleset in REGULATIONS.values():
        for rule in ruleset:
            cited.update(REFERENCE_IDS.findall(rule.ref))
    source = TESTS.parent / "src" / "ketnap"
    for path in source.rglob("*.py"):
        cited.update(re.findall(r"\b[A-M]-\d{2}[a-z]?\b", path.read_text(encoding="utf-8")))
    missing = sorted(cited - documented)
    assert not missing, f"cited but not in docs/reference/sources.md: {missing}"
