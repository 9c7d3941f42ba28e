"""Reports: what counts in a period, the stage on a date, % of plan, composition, forecast."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from click.testing import CliRunner

from ketnap import (
    Actor,
    Document,
    Dossier,
    HistoryEntry,
    InvalidInput,
    OrganizationTree,
    Quotas,
    Report,
    Sex,
    SQLiteStore,
    Stage,
    Step,
    Unit,
    Workflow,
    report,
)
from ketnap.cli import cli
from ketnap.dates import add_months
from ketnap.deadlines import deadlines_for
from ketnap.derived import derive_facts, facts_for
from ketnap.integrity import anchor
from ketnap.rules import Period
from ketnap.rules.regulations import QD_24_2021, QD_29_2016, REGULATIONS
from ketnap.sheets import csv_encoding
from ketnap.testing import clone, make_dossier, walk
from tests.conftest import MEETING

TREE = OrganizationTree(
    [
        Unit(code="H", name="Huyện", level="district"),
        Unit(code="X", name="Xã", level="base_committee", parent="H"),
        Unit(code="X.1", name="Thôn 1", level="branch", parent="X"),
        Unit(code="X.2", name="Thôn 2", level="branch", parent="X"),
        Unit(code="C", name="Trường", level="base_branch", parent="H"),
    ]
)


def dossier_in(
    branch: str, number: int, stage: Stage, workflow: Workflow, **candidate: Any
) -> Dossier:
    dossier = make_dossier(
        meeting=MEETING, id=f"HS-{number}", organization=TREE.organization(branch)
    )
    if candidate:
        dossier.candidate = attrs.evolve(dossier.candidate, **candidate)
    walk(workflow, dossier, meeting=MEETING, until=stage)
    return dossier


def make_report(workflow: Workflow, dossiers: list[Dossier], *, on: pendulum.Date, unit: str = "H",
                quotas: Quotas | None = None) -> Report:  # fmt: skip
    with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
        store.save_all(clone(d, d.id) for d in dossiers)  # each report gets a fresh store
        return report(store, TREE, quotas or Quotas({("X", 2024): 2, ("C", 2024): 1}),
                      unit=unit, year=on.year, on=on)  # fmt: skip


@pytest.fixture
def admitted(workflow: Workflow) -> Dossier:
    return dossier_in("C", 1, Stage.PROBATION, workflow)


def test_an_admission_counts_from_its_decision_day(workflow: Workflow, admitted: Dossier) -> None:
    decided = admitted.admission_decision_date
    assert decided is not None
    before = make_report(workflow, [admitted], on=decided.subtract(days=1))
    on_the_day = make_report(workflow, [admitted], on=decided)
    after = make_report(workflow, [admitted], on=decided.add(days=1))
    assert (before.admitted, on_the_day.admitted, after.admitted) == (0, 1, 1)
    assert before.stages[Stage.ENDORSED] + before.stages[Stage.PROPOSED] == 1
    assert on_the_day.stages[Stage.ADMITTED] == 1


def test_acts_of_the_previous_year_do_not_count(workflow: Workflow, admitted: Dossier) -> None:
    next_year = make_report(workflow, [admitted], on=pendulum.Date(2025, 3, 1))
    assert next_year.admitted == 0
    assert next_year.stages[Stage.PROBATION] == 1  # the stage still shows


def test_the_stage_on_a_past_date_is_read_from_the_history(workflow: Workflow) -> None:
    carded = dossier_in("X.1", 2, Stage.CARD_ISSUED, workflow)
    ceremony = carded.ceremony_date
    assert ceremony is not None
    past = make_report(workflow, [carded], on=ceremony.subtract(days=1))
    assert past.stages[Stage.ADMITTED] == 1
    assert past.stages[Stage.CARD_ISSUED] == 0
    entered = make_report(workflow, [carded], on=carded.entered_pool_on)
    assert entered.stages[Stage.SOURCE_POOL] == 1


def test_percent_of_plan_and_composition(workflow: Workflow) -> None:
    dossiers = [
        dossier_in("X.1", 1, Stage.PROBATION, workflow, sex=Sex.FEMALE, ethnic_minority=True),
        dossier_in("C", 2, Stage.PROBATION, workflow, religious=True),
        dossier_in("X.1", 3, Stage.PREPARED, workflow),
    ]
    result = make_report(workflow, dossiers, on=pendulum.Date(2024, 12, 31))
    assert (result.admitted, result.plan, result.percent_of_plan) == (2, 3, 66.7)
    assert result.composition == {"youth": 2, "women": 1, "ethnic_minority": 1, "religious": 1}
    assert [code for code, _ in result.idle_branches] == ["X.2"]
    assert result.certificates == 0  # issued in 2023


def test_a_unit_report_counts_only_its_branches(workflow: Workflow) -> None:
    dossiers = [
        dossier_in("X.1", 1, Stage.PROBATION, workflow),
        dossier_in("C", 2, Stage.PROBATION, workflow),
    ]
    result = make_report(workflow, dossiers, on=pendulum.Date(2024, 12, 31), unit="X")
    assert (result.admitted, result.plan, result.percent_of_plan) == (1, 2, 50.0)
    assert sum(result.stages.values()) == 1


def test_the_forecast_counts_what_time_will_allow_by_year_end(workflow: Workflow) -> None:
    ready = dossier_in("X.1", 1, Stage.PREPARED, workflow)
    young = dossier_in("X.2", 2, Stage.PREPARED, workflow, birth_date=pendulum.Date(2006, 9, 20))
    too_young = dossier_in("C", 3, Stage.PREPARED, workflow, birth_date=pendulum.Date(2007, 2, 20))
    first = derive_facts(ready, workflow.law).expected_decision_on
    assert first == pendulum.Date(2024, 2, 16)
    result = make_report(workflow, [ready, young, too_young], on=first)
    # 18 in September 2024: the decision can follow by December; in February 2025: not.
    assert (result.admitted, result.forecast) == (0, 2)


def test_a_closed_proposal_window_leaves_the_forecast(workflow: Workflow) -> None:
    # 18 on 1 January 2025: expected in February, after the documents go stale on 12 January.
    stale = dossier_in("X.1", 1, Stage.PREPARED, workflow, birth_date=pendulum.Date(2007, 1, 1))
    found = derive_facts(stale, workflow.law)
    assert found.proposal_window_closes_on is not None
    assert found.expected_decision_on is not None
    on = found.proposal_window_closes_on
    assert found.expected_decision_on > on.add(days=1)  # not overdue: the window shuts it out
    assert make_report(workflow, [stale], on=on).forecast == 1
    assert make_report(workflow, [stale], on=on.add(days=1)).forecast == 0


class TestForecastAndOverdue:
    """A dossier expected before the report date and not decided is overdue, not certain."""

    @pytest.fixture
    def proposed(self, workflow: Workflow) -> Dossier:
        return dossier_in("X.1", 5, Stage.PROPOSED, workflow)

    @pytest.mark.parametrize(
        ("days", "forecast"),
        [(-1, 1), (0, 1), (1, 0)],
        ids=["the-day-before-it-is-expected", "the-day-it-is-expected", "the-day-after"],
    )
    def test_a_dossier_counts_until_its_expected_decision_date_has_passed(
        self, workflow: Workflow, proposed: Dossier, days: int, forecast: int
    ) -> None:
        """Counted up to its expected day; from the day after, it is overdue."""
        expected = derive_facts(proposed, workflow.law).expected_decision_on
        assert expected == pendulum.Date(2024, 4, 9)  # 20 working days after the proposal
        result = make_report(workflow, [proposed], on=expected.add(days=days))
        assert (result.admitted, result.forecast) == (0, forecast)

    def test_an_overdue_dossier_leaves_the_forecast_but_not_the_stages(
        self, workflow: Workflow, proposed: Dossier, admitted: Dossier
    ) -> None:
        """The overdue dossier is still counted in its stage; only the forecast drops it."""
        result = make_report(workflow, [proposed, admitted], on=pendulum.Date(2024, 6, 3))
        assert result.stages[Stage.PROPOSED] == 1
        assert (result.admitted, result.forecast, result.forecast_percent) == (1, 1, 33.3)


YEAR_END = pendulum.Date(2024, 12, 31)


class TestForecastAtTheYearEnd:
    """On or after the year's last day, the forecast is what was admitted."""

    @pytest.fixture
    def due_on_the_last_day(self, workflow: Workflow) -> Dossier:
        # Proposed on 3 December 2024: expected 20 working days later, on 31 December.
        meeting = pendulum.Date(2024, 12, 3)
        dossier = make_dossier(meeting=meeting, id="HS-9", organization=TREE.organization("X.2"))
        walk(workflow, dossier, meeting=meeting, until=Stage.PROPOSED)
        assert derive_facts(dossier, workflow.law).expected_decision_on == YEAR_END
        return dossier

    @pytest.mark.parametrize(
        ("on", "expected"),
        [(YEAR_END.subtract(days=1), (1, 2)), (YEAR_END, (1, 1)), (YEAR_END.add(days=1), (0, 0))],
        ids=["the-day-before-the-year-end", "the-year-end", "the-day-after-in-the-next-year"],
    )
    def test_the_forecast_on_the_last_days_of_the_year(
        self,
        workflow: Workflow,
        admitted: Dossier,
        due_on_the_last_day: Dossier,
        on: pendulum.Date,
        expected: tuple[int, int],
    ) -> None:
        """
        The day before, a dossier expected on 31 December still counts; on 31 December
        the forecast is the admitted; in the next year that dossier is overdue.
        """
        result = make_report(workflow, [admitted, due_on_the_last_day], on=on)
        assert (result.admitted, result.forecast) == expected

    def test_dossiers_expected_earlier_in_the_year_do_not_raise_the_year_end_forecast(
        self, workflow: Workflow, admitted: Dossier
    ) -> None:
        """Issue 27: a report dated 31 December forecast more than was admitted (210 of 130)."""
        waiting = [dossier_in("X.1", n, Stage.PREPARED, workflow) for n in range(2, 5)]
        result = make_report(workflow, [admitted, *waiting], on=YEAR_END)
        assert (result.admitted, result.forecast, result.forecast_percent) == (1, 1, 33.3)
        assert result.percent_of_plan == result.forecast_percent


def test_facts_list_steps_and_certificates_as_events(workflow: Workflow, admitted: Dossier) -> None:
    found = derive_facts(admitted, workflow.law)
    kinds = [event.kind for event in found.events]
    assert kinds[: len(admitted.history)] == [entry.step for entry in admitted.history]
    assert kinds[-1] == "awareness_certificate"
    assert Step.DECIDE_ADMISSION.value in kinds
    assert found.unit == "C"


def test_renderings_agree(workflow: Workflow, admitted: Dossier) -> None:
    result = make_report(workflow, [admitted], on=pendulum.Date(2024, 12, 31))
    assert result.to_data()["admitted"] == 1
    assert "admitted,1" in result.to_csv()
    assert '"percent_of_plan": 33.3' in result.to_json()
    assert "Đã kết nạp" in result.to_table("vi")
    assert "Admitted" in result.to_table("en")
    assert "33,3%" in result.to_table("vi")  # numbers the Vietnamese way
    assert "33.3%" in result.to_table("en")


def test_a_dossier_outside_the_calendar_has_no_forecast_but_is_stored(workflow: Workflow) -> None:
    dossier = make_dossier(meeting=pendulum.Date(1990, 6, 1))  # entered the pool in 1989
    for step, target, day in [
        (Step.COMPLETE_TRAINING, Stage.TRAINED, pendulum.Date(1989, 7, 3)),
        (Step.ASSIGN_SPONSORS, Stage.PREPARED, pendulum.Date(1989, 8, 1)),
        (Step.PROPOSE_ADMISSION, Stage.PROPOSED, pendulum.Date(1989, 9, 5)),
    ]:
        dossier.history.append(
            HistoryEntry(on=day, step=step, actor=Actor.BRANCH, source=dossier.stage,
                         target=target, regulation="—", previous=anchor(dossier))
        )  # fmt: skip
        dossier.stage = target
    found = derive_facts(dossier, workflow.law)
    assert (found.expected_decision_on, found.proposal_window_closes_on) == (None, None)
    # The acts fell under a regulation ketnap does not ship: the office names it.
    before_2016 = attrs.evolve(
        QD_29_2016, code="—", effective=Period(end=pendulum.Date(2016, 7, 24))
    )
    known = [*REGULATIONS.values(), before_2016]
    with SQLiteStore(":memory:", facts=facts_for(workflow.law), regulations=known) as store:
        store.save(dossier)
        assert store.load(dossier.id).stage == Stage.PROPOSED


def test_a_period_inside_the_year_counts_only_its_acts(
    workflow: Workflow, admitted: Dossier
) -> None:
    decided = admitted.admission_decision_date
    assert decided is not None
    with SQLiteStore(":memory:", facts=facts_for(workflow.law)) as store:
        store.save(clone(admitted, admitted.id))
        quotas = Quotas({("C", 2024): 1})
        from_the_day = report(store, TREE, quotas, unit="H", year=2024, on=decided.add(days=5),
                              since=decided)  # fmt: skip
        from_the_day_after = report(store, TREE, quotas, unit="H", year=2024,
                                    on=decided.add(days=5), since=decided.add(days=1))  # fmt: skip
        assert (from_the_day.admitted, from_the_day_after.admitted) == (1, 0)
        assert from_the_day.to_data()["since"] == decided.isoformat()
        with pytest.raises(InvalidInput, match="not within 2024"):
            report(store, TREE, quotas, unit="H", year=2024, on=pendulum.Date(2025, 1, 1))
        with pytest.raises(InvalidInput, match="not within 2024"):
            report(store, TREE, quotas, unit="H", year=2024, on=decided, since=decided.add(days=1))


def test_a_document_recorded_after_the_last_act_counts_in_the_next_due_date() -> None:
    # From 1 Feb 2024 a (local) rule set makes documents go stale after 6 months, not 12:
    # the due index must see the document redone then, under the rules of its date.
    switch = pendulum.Date(2024, 2, 1)
    before = QD_24_2021.renamed("A", effective=Period(end=switch.subtract(days=1)))
    after = QD_24_2021.with_policy(dossier_validity_months=6).renamed(
        "B", effective=Period(start=switch)
    )
    workflow = Workflow([before, after])
    dossier = make_dossier(meeting=MEETING)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
    assert dossier.history[-1].on < switch
    redone = switch.add(days=5)
    dossier.add_documents(Document(form=form, dated=redone) for form in ("3-KNĐ", "4-KNĐ", "5-KNĐ"))
    expected = min(d.due for d in deadlines_for(dossier, on=redone, law=workflow.law))
    assert expected == add_months(redone, 6)
    assert derive_facts(dossier, workflow.law).next_due == expected


class TestCsvForExcel:
    """Every CSV ketnap writes starts with a UTF-8 byte-order mark, so Excel reads Vietnamese."""

    def test_the_report_csv_starts_with_one_byte_order_mark(
        self, workflow: Workflow, admitted: Dossier, tmp_path: Path
    ) -> None:
        text = make_report(workflow, [admitted], on=YEAR_END).to_csv()
        path = tmp_path / "bao-cao.csv"
        path.write_text(text, encoding="utf-8")
        data = path.read_bytes()
        assert data.startswith(codecs.BOM_UTF8 + b"metric,value\n")
        assert data.count(codecs.BOM_UTF8) == 1
        assert csv_encoding(path) == "UTF-8"  # ketnap's own reading takes the mark
        rows = dict(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert (rows["metric"], rows["unit_name"], rows["admitted"]) == ("value", "Huyện", "1")

    def test_the_command_writes_the_mark_to_a_file_and_a_pipe(
        self, workflow: Workflow, admitted: Dossier, tmp_path: Path
    ) -> None:
        store = tmp_path / "s.db"
        with SQLiteStore(store, facts=facts_for(workflow.law)) as opened:
            opened.save(clone(admitted, admitted.id))
            opened.save_tree(TREE)
        args = ["report", "--store", str(store), "--unit", "H", "--year", "2024",
                "--format", "csv"]  # fmt: skip
        piped = CliRunner().invoke(cli, args)
        assert piped.exit_code == 0, piped.output
        assert piped.stdout_bytes.startswith(codecs.BOM_UTF8 + b"metric,value\n")
        path = tmp_path / "r.csv"
        assert CliRunner().invoke(cli, [*args, "--out", str(path)]).exit_code == 0
        assert path.read_bytes() == piped.stdout_bytes
