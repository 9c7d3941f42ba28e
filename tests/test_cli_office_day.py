"""The office's day with ketnap (issue 27): commands that talk.

A refusal printed line by line, dates as the office writes them, progress on a terminal
and silence in a pipe, ``-h``, ``--version`` and the step codes in ``ketnap act -h``.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import ketnap
from ketnap import ADMISSION, Application, SQLiteStore, Stage, Workflow
from ketnap.cli import DATE, cli
from ketnap.derived import facts_for
from ketnap.storage import dumps
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING
from tests.test_deployment import RULEBOOK

ROOT = Path(__file__).parent.parent

# A branch meeting with no vote recorded: refused on one rule, under QĐ 24-QĐ/TW.
REFUSED_ACT = {
    "dossier": "HS-1", "step": "propose_admission", "on": "2024-03-12", "actor": "branch",
}  # fmt: skip
REFUSED_HEAD = "Step 'Branch resolution proposing admission' refused on 2024-03-12 (24-QĐ/TW):"
REFUSED_RULE = (
    "  - Branch vote on admission on 2024-03-12: no vote recorded [vote.branch_admission;"
)


@pytest.fixture
def quiet_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No configuration from the environment or the working folder."""
    for name in ("KETNAP_CONFIG", "KETNAP_STORE", "KETNAP_SEAL_KEY", "KETNAP_SEAL_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def store(quiet_env: Path, workflow: Workflow) -> Path:
    """A store with HS-1 prepared for its branch meeting, its vote not recorded."""
    dossier = make_dossier(meeting=MEETING, id="HS-1")
    walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
    dossier.votes.clear()
    path = quiet_env / "office.db"
    with SQLiteStore(path, facts=facts_for(workflow.law)) as opened:
        opened.save_all([dossier])
    return path


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), prog_name="ketnap")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def journal(folder: Path, *lines: Mapping[str, object] | str) -> Path:
    path = folder / "journal.jsonl"
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


def stage_of(store: Path, workflow: Workflow, dossier_id: str = "HS-1") -> str:
    with SQLiteStore(store, facts=facts_for(workflow.law)) as opened:
        return opened.load(dossier_id).stage


# --- 1. a refusal is printed line by line ------------------------------------------------------


def test_apply_prints_a_refused_act_line_by_line(store: Path, workflow: Workflow) -> None:
    """The journal's refused act: its step's line, then each failed rule on a line of its own."""
    path = journal(store.parent, REFUSED_ACT)
    result = run("apply", "--store", str(store), str(path), "--lang", "en")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: Line 1: {REFUSED_HEAD}"
    assert lines[1].startswith(REFUSED_RULE)
    assert len(lines) == 2
    assert "\\u000a" not in result.stderr
    assert stage_of(store, workflow) == Stage.PREPARED  # nothing saved


def test_apply_keeping_refusals_prints_each_line_by_line(store: Path) -> None:
    path = journal(store.parent, REFUSED_ACT)
    result = run("apply", "--store", str(store), str(path), "--keep-refusals", "--lang", "en")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"Line 1: HS-1: {REFUSED_HEAD}"
    assert lines[1].startswith(REFUSED_RULE)
    assert "\\u000a" not in result.stdout


def test_act_prints_a_refusal_line_by_line(store: Path) -> None:
    result = run("act", "--store", str(store), "HS-1", "propose_admission",
                 "--on", "2024-03-12", "--actor", "branch", "--lang", "en")  # fmt: skip
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == REFUSED_HEAD
    assert lines[1].startswith(REFUSED_RULE)


def test_a_journal_line_refused_for_its_text_is_one_escaped_line(store: Path) -> None:
    """Only a refusal's own lines are kept: what a journal line carries stays escaped."""
    path = journal(store.parent, '{"dossier": "HS-1", "step\\u001b[2J\\n": 1}')
    result = run("apply", "--store", str(store), str(path), "--lang", "en")
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: Line 1: line: unknown fields:")
    assert "\x1b" not in result.stderr


# --- 5. dates as YYYY-MM-DD or dd/mm/yyyy --------------------------------------------------------


def test_every_date_option_of_every_command_takes_both_forms() -> None:
    """One parameter type for every date option: none is left to YYYY-MM-DD alone."""
    dated = {
        (name, param.name)
        for name, command in cli.commands.items()
        for param in command.params
        if param.name in {"on", "since", "adopted_on"}
    }
    assert len(dated) >= 8  # check, due, report (2), statistics (2), import-sheet, act, form
    for name, param_name in dated:
        (param,) = (p for p in cli.commands[name].params if p.name == param_name)
        assert param.type is DATE, (name, param_name)


def check_header(dossier_file: Path, on: str) -> str:
    result = run("check", str(dossier_file), "--on", on, "--lang", "en")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[0]


def test_01_05_2025_is_the_first_of_may(tmp_path: Path) -> None:
    dossier_file = tmp_path / "hs.json"
    dossier_file.write_text(dumps(make_dossier(meeting=MEETING, id="HS-1")), encoding="utf-8")
    day_first = check_header(dossier_file, "01/05/2025")
    assert day_first.endswith(" · 2025-05-01")
    assert day_first == check_header(dossier_file, "2025-05-01")


NOT_A_DATE = "not a date as YYYY-MM-DD or dd/mm/yyyy"
NO_SUCH_DAY = "no such day in the calendar (a date is YYYY-MM-DD or dd/mm/yyyy)"


@pytest.mark.parametrize(
    ("args", "option", "value", "reason"),
    [
        (["due", "--on"], "--on", "31/02/2025", NO_SUCH_DAY),
        (["due", "--on"], "--on", "2025-5-1", NOT_A_DATE),
        (["due", "--on"], "--on", "1/5/2025", NOT_A_DATE),
        (["report", "--unit", "H", "--year", "2025", "--from"], "--from", "01/05/25", NOT_A_DATE),
        (["statistics", "--unit", "H", "--on"], "--on", "2025/05/01", NOT_A_DATE),
    ],
    ids=["31-feb", "iso-without-zeros", "day-first-without-zeros", "two-digit-year",
         "slashes-year-first"],
)  # fmt: skip
def test_a_date_in_neither_form_is_one_error_naming_the_option_and_both_forms(
    store: Path, args: list[str], option: str, value: str, reason: str
) -> None:
    result = run(args[0], "--store", str(store), *args[1:], value)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert errors == [f"Error: Invalid value for '{option}': {value!r}: {reason}"]


# --- 6. progress on a terminal, silence in a pipe ---------------------------------------------


def test_application_apply_journal_reports_each_line_applied(
    store: Path, workflow: Workflow
) -> None:
    done: list[int] = []
    lines = [json.dumps({"dossier": "HS-1", "records": {}}), "", json.dumps(REFUSED_ACT)]
    with Application(SQLiteStore(store, facts=facts_for(workflow.law)), workflow) as office:
        result = office.apply_journal(lines, keep_refusals=True, progress=done.append)
    assert done == [1, 1, 1]  # the blank line too: the steps are the lines given
    assert len(result.refused) == 1


def test_application_apply_journal_reports_a_line_once_it_is_applied(
    store: Path, workflow: Workflow
) -> None:
    """Progress counts lines done, never the line being read: a refused one is not counted."""
    done: list[int] = []
    lines = [json.dumps({"dossier": "HS-1", "records": {}}), json.dumps(REFUSED_ACT)]
    with (
        Application(SQLiteStore(store, facts=facts_for(workflow.law)), workflow) as office,
        pytest.raises(ketnap.KetnapError),
    ):
        office.apply_journal(lines, progress=done.append)
    assert done == [1]


@pytest.fixture
def progress_commands(store: Path) -> dict[str, list[str]]:
    """The arguments of each command that shows progress, with files to work on."""
    folder = store.parent
    document = folder / "hs-2.json"
    document.write_text(dumps(make_dossier(meeting=MEETING, id="HS-2")), encoding="utf-8")
    records = journal(folder, {"dossier": "HS-1", "records": {}})
    return {
        "Importing dossiers": ["import", "--store", str(store), str(document)],
        "Applying": ["apply", "--store", str(store), str(records)],
        "Exporting": ["export", "--store", str(store), "--out", str(folder / "out")],
        "Verifying": ["verify", "--store", str(store)],
    }  # fmt: skip


LABELS = ["Importing dossiers", "Applying", "Exporting", "Verifying"]


@pytest.mark.parametrize("label", LABELS)
def test_a_long_command_is_quiet_in_a_pipe(
    progress_commands: dict[str, list[str]], label: str
) -> None:
    result = run(*progress_commands[label])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


@pytest.mark.parametrize("label", LABELS)
def test_a_long_command_shows_its_progress_on_a_terminal(
    progress_commands: dict[str, list[str]], label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ketnap.cli._on_terminal", lambda: True)
    result = run(*progress_commands[label])
    assert result.exit_code == 0, result.output
    assert label in result.stderr
    assert label not in result.stdout


# --- 10. -h, --version, the step codes ----------------------------------------------------------


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.commands))],
                         ids=lambda c: " ".join(c) or "ketnap")  # fmt: skip
def test_h_is_help_on_every_command(command: list[str]) -> None:
    short, long = run(*command, "-h"), run(*command, "--help")
    assert (short.exit_code, long.exit_code) == (0, 0)
    assert short.stdout == long.stdout
    assert short.stdout.startswith(f"Usage: {' '.join(['ketnap', *command])} ")
    assert "-h, --help" in short.stdout


def test_version_is_the_installed_package_s() -> None:
    assert ketnap.__version__ == importlib.metadata.version("ketnap")
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"ketnap, version {ketnap.__version__}\n")


def test_version_in_a_source_tree_is_pyproject_s(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    with (ROOT / "pyproject.toml").open("rb") as file:
        expected = tomllib.load(file)["project"]["version"]
    assert ketnap._version() == expected  # the fallback itself


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.usefixtures("quiet_env")
def test_act_help_lists_the_shipped_steps_with_their_vietnamese_labels() -> None:
    result = run("act", "-h")
    assert result.exit_code == 0
    steps = result.stdout.split("Steps (STEP):", 1)[1]
    listed = re.findall(r"^  (\S+)  ", steps, flags=re.MULTILINE)
    assert listed == list(ADMISSION.step_codes)
    for code in ADMISSION.step_codes:
        assert f"{code} {ADMISSION.text(code, 'vi')}" in words(steps)


@pytest.fixture
def office(quiet_env: Path) -> Iterator[Path]:
    """An office whose rulebook adds the step 'appraise' (the deployment tests' rulebook)."""
    module = f"office_day_rules_{abs(hash(quiet_env)) % 10**8}"
    (quiet_env / f"{module}.py").write_text(RULEBOOK, encoding="utf-8")
    (quiet_env / "ketnap.toml").write_text(f'rulebook = "{module}:WORKFLOW"\n', encoding="utf-8")
    yield quiet_env
    sys.modules.pop(module, None)


@pytest.mark.usefixtures("office")
def test_act_help_lists_the_deployment_s_own_steps() -> None:
    result = run("act", "-h")
    assert result.exit_code == 0
    assert "appraise Thẩm định hồ sơ" in words(result.stdout.split("Steps (STEP):", 1)[1])


def test_act_help_with_a_broken_configuration_lists_the_shipped_steps_and_says_so(
    quiet_env: Path,
) -> None:
    (quiet_env / "ketnap.toml").write_text('rulebook = "no colon"\n', encoding="utf-8")
    result = run("act", "-h")
    assert result.exit_code == 0
    assert "of the shipped process: ketnap.toml could not be read" in result.stdout
    assert "propose_admission" in result.stdout
    assert "appraise " not in result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_documented_completion_scripts_are_given(shell: str) -> None:
    """docs/reports.md tells each shell to source ``_KETNAP_COMPLETE={shell}_source ketnap``."""
    page = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    assert f"_KETNAP_COMPLETE={shell}_source ketnap" in page
    result = CliRunner().invoke(
        cli, [], prog_name="ketnap", env={"_KETNAP_COMPLETE": f"{shell}_source"}
    )
    assert result.exit_code == 0
    assert "_ketnap_completion" in result.stdout


def test_completion_completes_a_command() -> None:
    env = {"_KETNAP_COMPLETE": "bash_complete", "COMP_WORDS": "ketnap ap", "COMP_CWORD": "1"}
    result = CliRunner().invoke(cli, [], prog_name="ketnap", env=env)
    assert result.stdout.splitlines() == ["plain,apply"]
