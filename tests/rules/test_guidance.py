"""
Guidance in force by its own date, not the regulation's (A-09, E-04, E-05; L-03).

QĐ 24-QĐ/TW took effect on 30 Jul 2021; its guidance HD 01-HD/TW 2021 is dated 28 Sep
2021 and in force from that day, so the acts in between read HD 01-HD/TW 2016. The
Secretariat's population-policy rule changed on its own date too: QĐ 173-QĐ/TW until
27 Aug 2018, QĐ 05-QĐi/TW from 28 Aug 2018 (under QĐ 29).
"""

from __future__ import annotations

import pendulum
import pytest

from ketnap import QD_24_2021, QD_29_2016, Guidance, Policy, RuleSet
from ketnap.rules.regulations import HD_01_2016, HD_01_2021, QD_173_2013

D = pendulum.Date


def in_force(ruleset: RuleSet, on: pendulum.Date) -> list[str]:
    """The codes of the guidance texts in force on *on*."""
    return [g.code for g in ruleset.guidance if g.effective.contains(on)]


def policy_of(ruleset: RuleSet, *changes: dict[str, object]) -> Policy:
    found = ruleset.policy
    for change in changes:
        found = found.with_changes(**change)
    return found


class TestHD01Of2021:
    """HD 01-HD/TW 2021 applies from 28 Sep 2021, the day it was signed."""

    @pytest.mark.parametrize(
        ("on", "code"),
        [
            pytest.param(D(2021, 9, 27), "HD 01-HD/TW 2016", id="27-Sep-2021-still-HD01-2016"),
            pytest.param(D(2021, 9, 28), "HD 01-HD/TW 2021", id="28-Sep-2021-HD01-2021"),
            pytest.param(D(2021, 9, 29), "HD 01-HD/TW 2021", id="29-Sep-2021-HD01-2021"),
        ],
    )
    def test_the_guidance_in_force(self, on: pendulum.Date, code: str) -> None:
        assert in_force(QD_24_2021, on) == [code]

    @pytest.mark.parametrize(
        ("on", "guidance"),
        [
            pytest.param(D(2021, 7, 30), HD_01_2016, id="QĐ24-first-day-HD01-2016"),
            pytest.param(D(2021, 9, 27), HD_01_2016, id="27-Sep-2021"),
            pytest.param(D(2021, 9, 28), HD_01_2021, id="28-Sep-2021"),
            pytest.param(D(2021, 9, 29), HD_01_2021, id="29-Sep-2021"),
        ],
    )
    def test_the_values_the_rules_read(self, on: pendulum.Date, guidance: Guidance) -> None:
        """`RuleSet.policy_on` gives exactly the values of the guidance then in force."""
        assert QD_24_2021.policy_on(on) == policy_of(QD_24_2021, dict(guidance.changes))

    def test_the_references_say_so(self) -> None:
        assert "HD 01-HD/TW 2016 (to 27/9/2021)" in QD_24_2021.references


class TestTheSecretariatsPopulationRule:
    """QĐ 173-QĐ/TW (60 months) to 27 Aug 2018, QĐ 05-QĐi/TW (24/36 months) from 28 Aug."""

    @pytest.mark.parametrize(
        ("on", "third", "fourth"),
        [
            pytest.param(D(2016, 7, 25), 60, 60, id="QĐ29-first-day-QĐ173"),
            pytest.param(D(2018, 8, 27), 60, 60, id="QĐ173-last-day"),
            pytest.param(D(2018, 8, 28), 24, 36, id="QĐ05-first-day"),
            pytest.param(D(2018, 8, 29), 24, 36, id="QĐ05-day-after"),
        ],
    )
    def test_the_terms_by_date(self, on: pendulum.Date, third: int, fourth: int) -> None:
        policy = QD_29_2016.policy_on(on)
        assert (policy.population_third_child_months, policy.population_fourth_child_months) == (
            third,
            fourth,
        )

    def test_qd_173_is_guidance_of_qd_29_only(self) -> None:
        assert QD_173_2013 in QD_29_2016.guidance
        assert QD_173_2013 not in QD_24_2021.guidance
