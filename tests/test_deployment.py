"""One office assembled once: ketnap.toml, the rulebook, and every command over them (issue 23)."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from ketnap import (
    ConfigError,
    Deployment,
    Stage,
    Workflow,
)
from ketnap.cli import cli
from ketnap.sheets import write_dossiers
from ketnap.storage import dumps
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING
from tests.test_cli_setup import TREE

RULEBOOK = '''
"""An office's local rules: an appraisal before the branch meeting, never on a Sunday."""

import ketnap
from ketnap import ADMISSION, REGULATIONS, Actor, Family, Message, ProcessStage, ProcessStep
from ketnap import Stage, Step, Transition, Workflow

APPRAISED = "appraised"
APPRAISE = "appraise"

PROCESS = ADMISSION.extend(
    name=Message(vi="Quy trình có thẩm định", en="Admission with an appraisal"),
    stages=[ProcessStage(APPRAISED, Message(vi="Đã thẩm định", en="Appraised"),
                         tags={"pipeline"})],
    steps=[ProcessStep(APPRAISE, Message(vi="Thẩm định hồ sơ", en="Appraise the dossier"))],
    transitions=[
        Transition(APPRAISE, Stage.PREPARED, APPRAISED, {Actor.BRANCH}),
        Transition(Step.PROPOSE_ADMISSION, APPRAISED, Stage.PROPOSED, {Actor.BRANCH}),
        Transition(Step.WITHDRAW, APPRAISED, Stage.WITHDRAWN, {Actor.BRANCH}),
    ],
).without(transitions=[(Stage.PREPARED, Step.PROPOSE_ADMISSION)])


@ketnap.rule(
    id="local.no_sunday_appraisal",
    family=Family.VOTE,
    ref="L-01",
    clause="Quy chế làm việc của Đảng ủy (quy định địa phương)",
    message=Message(vi="Không thẩm định vào Chủ nhật ({on})",
                    en="No appraisal on a Sunday ({on})"),
    steps={APPRAISE},
)
def no_sunday_appraisal(context):
    return {"on": context.on} if context.on.isoweekday() == 7 else None


WORKFLOW = Workflow([rs.add(no_sunday_appraisal) for rs in REGULATIONS.values()],
                    process=PROCESS)
LAW = WORKFLOW.law
NOT_RULES = 42
'''

SUNDAY = pendulum.Date(2024, 3, 17)
MONDAY = pendulum.Date(2024, 3, 18)


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder holding an office's ketnap.toml and its rulebook module, as the cwd."""
    module = f"office_rules_{abs(hash(tmp_path)) % 10**8}"
    (tmp_path / f"{module}.py").write_text(RULEBOOK, encoding="utf-8")
    (tmp_path / "ketnap.toml").write_text(
        textwrap.dedent(f"""
            store = "office.db"
            rulebook = "{module}:WORKFLOW"
            lang = "en"

            [office]
            place = "Yên Lạc"
            signer = "Nguyễn Văn A"
        """),
        encoding="utf-8",
    )
    (tmp_path / "tree.json").write_text(json.dumps(TREE.to_data(), ensure_ascii=False))
    monkeypatch.chdir(tmp_path)
    for name in ("KETNAP_CONFIG", "KETNAP_STORE", "KETNAP_SEAL_KEY", "KETNAP_SEAL_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path
    sys.modules.pop(module, None)


def ketnap(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def local_workflow(folder: Path) -> Workflow:
    return Deployment.load(cwd=folder).workflow


def prepared_document(folder: Path, dossier_id: str = "HS-001") -> Path:
    workflow = local_workflow(folder)
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"), id=dossier_id)
    walk(workflow, dossier, meeting=MEETING, until=Stage.PREPARED)
    path = folder / f"{dossier_id}.json"
    path.write_text(dumps(dossier), encoding="utf-8")
    return path


def test_every_command_works_on_a_store_with_local_rules_and_a_local_stage(office: Path) -> None:
    assert ketnap("setup", "--tree", "tree.json").exit_code == 0
    imported = ketnap("import", str(prepared_document(office)))
    assert imported.exit_code == 0, imported.output
    assert "1 dossiers saved to" in imported.output  # lang = "en" from the file

    refused = ketnap("act", "HS-001", "appraise", "--on", str(SUNDAY), "--actor", "branch")
    assert refused.exit_code == 1
    assert "No appraisal on a Sunday (2024-03-17)" in refused.output
    assert "local.no_sunday_appraisal" in refused.output

    done = ketnap("act", "HS-001", "appraise", "--on", str(MONDAY), "--actor", "branch")
    assert done.exit_code == 0, done.output
    assert "HS-001: Appraised" in done.output

    verified = ketnap("verify")
    assert verified.exit_code == 0, verified.output
    assert "1 of 1 dossiers verify" in verified.output
    for args in (
        ("export", "--out", "out", "--sheet", "xlsx", "--setup"),
        ("due", "--on", str(MONDAY)),
        ("report", "--unit", "H", "--year", "2024", "--format", "json"),
        ("statistics", "--unit", "H", "--on", "2024-12-31"),
        ("form", "checklist", "HS-001", "--on", str(MONDAY), "--out", "checklist.docx"),
        ("template", "mau.xlsx"),
        ("config",),
        ("rules", "--regulation", "24"),
        ("diagram",),
    ):
        result = ketnap(*args)
        assert result.exit_code == 0, (args, result.output)
    assert (office / "out" / "HS-001.json").is_file()
    report = ketnap("report", "--unit", "H", "--year", "2024", "--format", "json")
    assert json.loads(report.output)["stages"]["appraised"] == 1  # the local stage counted
    assert "local.no_sunday_appraisal" in ketnap("rules", "--regulation", "24").output
    assert "Appraise the dossier" in ketnap("diagram").output

    journal = office / "journal.jsonl"
    journal.write_text(
        json.dumps({"dossier": "HS-001", "step": "withdraw", "on": "2024-03-19",
                    "actor": "branch"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    applied = ketnap("apply", str(journal))
    assert applied.exit_code == 0, applied.output
    assert "1 acts" in applied.output


def test_create_and_import_sheet_use_the_local_process(office: Path) -> None:
    workflow = local_workflow(office)
    new = make_dossier(meeting=MEETING, organization=TREE.organization("C"), id="HS-2")
    document = office / "new.json"
    document.write_text(dumps(new), encoding="utf-8")
    created = ketnap("create", str(document))
    assert created.exit_code == 0, created.output
    assert "HS-2 created" in created.output
    sheet = office / "ds.xlsx"
    others = [
        make_dossier(meeting=MEETING, organization=TREE.organization("C"), id=f"HS-{n}")
        for n in (3, 4)
    ]
    write_dossiers(sheet, others, process=workflow.law.process)
    imported = ketnap("import-sheet", str(sheet))
    assert imported.exit_code == 0, imported.output
    assert "2 dossiers saved" in imported.output


def test_an_option_overrides_the_file(office: Path) -> None:
    other = office / "other.db"
    assert ketnap("import", "--store", str(other), str(prepared_document(office))).exit_code == 0
    assert other.is_file()
    assert not (office / "office.db").exists()
    vietnamese = ketnap("verify", "--store", str(other), "--lang", "vi")
    assert "1/1 hồ sơ hợp lệ" in vietnamese.output


def test_the_store_comes_from_the_environment_before_the_file(
    office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KETNAP_STORE", str(office / "env.db"))
    assert ketnap("import", str(prepared_document(office))).exit_code == 0
    assert (office / "env.db").is_file()


def test_without_the_rulebook_a_local_stage_is_one_error_naming_the_rulebook(
    office: Path,
) -> None:
    ketnap("import", str(prepared_document(office)))
    ketnap("act", "HS-001", "appraise", "--on", str(MONDAY), "--actor", "branch")
    (office / "plain.toml").write_text('store = "office.db"\n', encoding="utf-8")
    result = ketnap("--config", "plain.toml", "verify")
    assert result.exit_code == 1
    assert "rulebook: the store holds dossiers at stage 'appraised'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("office")
def test_config_prints_what_is_in_force_without_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETNAP_SEAL_KEY", "a-very-secret-seal-key-of-the-office")
    url = "postgresql://clerk:pa#ss@db.local:5432/ketnap?password=hunter2#yl"
    result = ketnap("config", "--store", url)
    assert result.exit_code == 0, result.output
    assert "a-very-secret" not in result.output
    assert "hunter2" not in result.output
    assert "pa#ss" not in result.output
    assert "KETNAP_SEAL_KEY" in result.output
    assert "rulebook" in result.output
    assert "Yên Lạc" in result.output


def test_the_office_signs_forms_from_the_file(office: Path) -> None:
    deployment = Deployment.load(cwd=office)
    assert deployment.signature.place == "Yên Lạc"
    assert deployment.signature.signer == "Nguyễn Văn A"
    assert deployment.lang == "en"
    assert deployment.law.process.name.render("en") == "Admission with an appraisal"


def test_a_law_is_accepted_as_the_rulebook(office: Path) -> None:
    module = next(office.glob("office_rules_*.py")).stem
    (office / "law.toml").write_text(f'rulebook = "{module}:LAW"\n', encoding="utf-8")
    deployment = Deployment.load(office / "law.toml")
    assert "appraised" in deployment.law.process.stage_codes


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("store = [", "config", "not TOML"),
        ("stores = 'x.db'", "stores", "unknown setting"),
        ("lang = 3", "lang", "expected text"),
        ("lang = 'fr'", "lang", "expected one of vi, en"),
        ("office = 'Yên Lạc'", "office", "expected a table"),
        ("[office]\nplaces = 'x'", "office.places", "unknown setting"),
        ("[office]\nsigner = 7", "office.signer", "expected text"),
        ("rulebook = 'no colon'", "rulebook", "is not package.module:attribute"),
        ("rulebook = 'ketnap_no_such_module:X'", "rulebook", "does not import"),
        ("rulebook = 'ketnap:NO_SUCH_THING'", "rulebook", "has no attribute"),
        ("rulebook = '{module}:NOT_RULES'", "rulebook", "is a int, not a ketnap Workflow or Law"),
        ("rulebook = 'ketnap.testing:make_dossier'", "rulebook", "not a ketnap Workflow or Law"),
        ("store = 5", "store", "expected text"),
    ],
)
def test_each_configuration_error_is_one_error_naming_its_key(
    office: Path, text: str, key: str, reason: str
) -> None:
    module = next(office.glob("office_rules_*.py")).stem
    (office / "bad.toml").write_text(text.replace("{module}", module), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        Deployment.load(office / "bad.toml")
    assert error.value.key == key
    assert reason in error.value.reason
    result = ketnap("--config", "bad.toml", "verify")
    assert result.exit_code == 1
    assert f"{key}: " in result.output
    assert "Traceback" not in result.output


def test_a_rulebook_that_raises_on_import_is_named(office: Path) -> None:
    (office / "broken_rules.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    (office / "broken.toml").write_text('rulebook = "broken_rules:WORKFLOW"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rulebook: module 'broken_rules' does not import"):
        Deployment.load(office / "broken.toml")
    sys.modules.pop("broken_rules", None)


def test_a_missing_config_file_named_explicitly_is_an_error(office: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        Deployment.load(office / "nowhere.toml")
    result = ketnap("--config", "nowhere.toml", "verify")
    assert result.exit_code == 1
    assert "config: no such file" in result.output


def test_the_config_file_comes_from_the_environment(
    office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (office / "env.toml").write_text('lang = "vi"\n', encoding="utf-8")
    monkeypatch.setenv("KETNAP_CONFIG", str(office / "env.toml"))
    assert Deployment.load().lang == "vi"
    assert Deployment.load().rulebook is None


def test_no_store_anywhere_is_one_error_naming_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KETNAP_STORE", raising=False)
    monkeypatch.delenv("KETNAP_CONFIG", raising=False)
    result = ketnap("verify")
    assert result.exit_code == 1
    assert "store: no store given" in result.output


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_seal_key_file_that_is_not_a_regular_file_is_refused(
    office: Path, monkeypatch: pytest.MonkeyPatch, special: str
) -> None:
    import os  # noqa: PLC0415

    path = special
    if special == "fifo":
        path = str(office / "key.fifo")
        os.mkfifo(path)
    monkeypatch.setenv("KETNAP_SEAL_KEY_FILE", path)
    result = ketnap("import", str(prepared_document(office)))
    assert result.exit_code == 1
    assert "KETNAP_SEAL_KEY_FILE: not a regular file" in result.output


def test_the_seal_key_file_of_the_config_seals_the_store(office: Path) -> None:
    (office / "seal.key").write_text("a-long-secret-kept-outside-the-store\n")
    config = (office / "ketnap.toml").read_text(encoding="utf-8")
    (office / "ketnap.toml").write_text('seal_key_file = "seal.key"\n' + config, encoding="utf-8")
    assert ketnap("import", str(prepared_document(office))).exit_code == 0
    assert ketnap("verify").exit_code == 0
    (office / "plain.toml").write_text(config, encoding="utf-8")
    # Without the key, rows sealed with it do not verify.
    assert ketnap("--config", "plain.toml", "verify").exit_code == 1


@pytest.mark.parametrize("module", ["cli", "application", "deployment"])
def test_the_faces_import_no_private_module_of_ketnap(module: str) -> None:
    import ast  # noqa: PLC0415

    source = Path(__file__).parent.parent / "src" / "ketnap" / f"{module}.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ketnap")
    ]
    assert imported
    assert [name for name in imported if any(p.startswith("_") for p in name.split("."))] == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"lang = '\xff'\n", "not UTF-8 text"),
        (b"# " + b"x" * (1 << 20) + b"\n", "larger than"),
        (b'lang = "v\\u0001i"\n', "not a single line of text"),
        (b"[office]\nplace = '" + b"y" * 2000 + b"'\n", "not a single line of text"),
    ],
)
def test_a_config_file_that_is_not_a_clean_small_text_is_refused(
    office: Path, content: bytes, reason: str
) -> None:
    (office / "bad.toml").write_bytes(content)
    with pytest.raises(ConfigError, match=reason):
        Deployment.load(office / "bad.toml")


def test_a_config_named_by_the_environment_must_exist(
    office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KETNAP_CONFIG", str(office / "missing.toml"))
    with pytest.raises(ConfigError) as error:
        Deployment.load()
    assert (error.value.key, error.value.reason) == (
        "config",
        "no such file (or not a regular file)",
    )


def test_the_language_of_the_file_is_checked_even_when_an_option_overrides_it(
    office: Path,
) -> None:
    (office / "fr.toml").write_text('lang = "fr"\n', encoding="utf-8")
    result = ketnap("--config", "fr.toml", "verify", "--lang", "en")
    assert result.exit_code == 1
    assert "lang: expected one of vi, en" in result.output


@pytest.mark.usefixtures("office")
@pytest.mark.parametrize("store", ["", ":memory:", "file:office.db"])
def test_a_store_that_is_not_a_file_is_refused_not_replaced_by_the_file(store: str) -> None:
    result = ketnap("verify", "--store", store)
    assert result.exit_code == 1
    assert "is not a store file" in result.output


@pytest.mark.parametrize(
    ("variables", "reason"),
    [
        ({"KETNAP_SEAL_KEY": "k" * 20, "KETNAP_SEAL_KEY_FILE": "/etc/hostname"}, "not both"),
        ({"KETNAP_SEAL_KEY_FILE": "missing.key"}, "KETNAP_SEAL_KEY_FILE: not a regular file"),
        ({"KETNAP_SEAL_KEY": "short"}, "shorter than 16 bytes"),
    ],
)
def test_each_seal_key_mistake_is_named(
    office: Path, monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], reason: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=reason):
        Deployment.load(cwd=office).seal_key()


def test_a_seal_key_file_longer_than_a_key_is_refused(office: Path) -> None:
    (office / "huge.key").write_bytes(b"k" * 5000)
    (office / "key.toml").write_text('seal_key_file = "huge.key"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="seal_key_file: longer than 4,096 bytes"):
        Deployment.load(office / "key.toml", environ={}).seal_key(environ={})


def test_a_rulebook_in_a_folder_others_may_write_is_not_run(office: Path) -> None:
    shared = office / "shared"
    shared.mkdir()
    (shared / "shared_rules.py").write_text(
        "raise SystemExit('a stranger ran this')\n", encoding="utf-8"
    )
    (shared / "ketnap.toml").write_text('rulebook = "shared_rules:WORKFLOW"\n', encoding="utf-8")
    shared.chmod(0o777)
    with pytest.raises(ConfigError) as error:
        Deployment.load(shared / "ketnap.toml")
    assert error.value.key == "rulebook"
    assert "is writable by other users: its code is not run" in error.value.reason
    assert "shared_rules" not in sys.modules


def test_two_offices_rulebooks_of_one_name_are_never_confused(office: Path) -> None:
    module = next(office.glob("office_rules_*.py")).stem
    Deployment.load(cwd=office)  # the first office's module is loaded
    other = office / "other"
    other.mkdir()
    (other / f"{module}.py").write_text(RULEBOOK, encoding="utf-8")
    (other / "ketnap.toml").write_text(f'rulebook = "{module}:WORKFLOW"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"another module named .* is already loaded"):
        Deployment.load(other / "ketnap.toml")
    assert Deployment.load(cwd=office).workflow is Deployment.load(cwd=office).workflow
