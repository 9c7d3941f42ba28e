"""The command line on a PostgreSQL store, and the seal key from the environment (issue 15)."""

from __future__ import annotations

import json
import logging
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result

from ketnap import SQLiteStore, Stage, StoreError, Workflow
from ketnap.cli import cli
from ketnap.deployment import show_store
from ketnap.storage import dumps
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING
from tests.test_cli_attack import SECRET, assert_no_secret, secret_urls, store_commands
from tests.test_cli_setup import TREE


@pytest.fixture
def no_seal_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KETNAP_SEAL_KEY", "KETNAP_SEAL_KEY_FILE", "KETNAP_CONFIG", "KETNAP_STORE"):
        monkeypatch.delenv(name, raising=False)


def test_a_server_address_is_shown_without_its_password() -> None:
    shown = show_store("postgresql://office:s3cret@db.example:5432/ketnap#yl")
    assert "s3cret" not in shown
    assert shown == "postgresql://office@db.example:5432/ketnap#yl"


def test_the_command_line_fills_and_reports_a_postgresql_store(
    postgres_url: str, tmp_path: Path
) -> None:
    store = f"{postgres_url}#cli_{uuid.uuid4().hex[:10]}"
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    walk(Workflow(), dossier, meeting=MEETING, until=Stage.PROBATION)
    document = tmp_path / "hs.json"
    document.write_text(dumps(dossier), encoding="utf-8")
    (tmp_path / "tree.json").write_text(json.dumps(TREE.to_data(), ensure_ascii=False))
    runner = CliRunner()
    for args in (
        ["setup", "--store", store, "--tree", str(tmp_path / "tree.json")],
        ["import", "--store", store, str(document)],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    report = runner.invoke(
        cli, ["report", "--store", store, "--unit", "H", "--year", "2024", "--format", "json"]
    )
    assert report.exit_code == 0, report.output
    assert json.loads(report.output)["admitted"] == 1
    verified = runner.invoke(cli, ["verify", "--store", store, "--lang", "en"])
    assert verified.exit_code == 0, verified.output
    assert "1 of 1 dossiers verify" in verified.output


def test_the_seal_key_comes_from_the_environment_or_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = str(tmp_path / "s.db")
    dossier = make_dossier(meeting=MEETING)
    document = tmp_path / "hs.json"
    document.write_text(dumps(dossier), encoding="utf-8")
    key_file = tmp_path / "seal.key"
    key_file.write_text("a-long-secret-kept-outside-the-store\n")
    monkeypatch.setenv("KETNAP_SEAL_KEY_FILE", str(key_file))
    runner = CliRunner()
    assert runner.invoke(cli, ["import", "--store", store, str(document)]).exit_code == 0
    assert runner.invoke(cli, ["verify", "--store", store]).exit_code == 0
    # Without the key, the rows sealed with it do not verify.
    monkeypatch.delenv("KETNAP_SEAL_KEY_FILE")
    assert runner.invoke(cli, ["verify", "--store", store]).exit_code == 1
    monkeypatch.setenv("KETNAP_SEAL_KEY", "a-long-secret-kept-outside-the-store")
    assert runner.invoke(cli, ["verify", "--store", store]).exit_code == 0
    monkeypatch.setenv("KETNAP_SEAL_KEY", "short")
    refused = runner.invoke(cli, ["verify", "--store", store])
    assert refused.exit_code == 1
    assert "shorter than 16 bytes" in refused.output


def test_an_unreachable_server_is_one_store_error() -> None:
    from ketnap.storage.postgres import PostgresStore  # noqa: PLC0415

    with pytest.raises(StoreError, match="cannot reach the store's server"):
        PostgresStore("postgresql://nobody@127.0.0.1:9/none", timeout=1.0)


def test_a_schema_name_ketnap_does_not_use_is_refused() -> None:
    from ketnap.storage.postgres import PostgresStore  # noqa: PLC0415

    with pytest.raises(StoreError, match="not a schema name"):
        PostgresStore("postgresql://nobody@127.0.0.1:9/none", schema="x; DROP TABLE y")


def test_the_store_option_refuses_an_address_of_another_kind() -> None:
    result = CliRunner().invoke(cli, ["verify", "--store", "mysql://db/x"])
    assert result.exit_code == 1
    assert "neither a store file nor a postgresql:// address" in result.output


# --- issue 24: anchors at the command line, and secrets in a server's address -----------------


def test_ketnap_anchor_is_what_verify_anchor_checks_and_a_rollback_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KETNAP_SEAL_KEY", raising=False)
    monkeypatch.delenv("KETNAP_SEAL_KEY_FILE", raising=False)
    store = tmp_path / "district.db"
    workflow = Workflow()
    dossier = make_dossier(meeting=MEETING, organization=TREE.organization("C"))
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROPOSED)
    document = tmp_path / "hs.json"
    document.write_text(dumps(dossier), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["import", "--store", str(store), str(document)]).exit_code == 0
    older = tmp_path / "older.db"
    shutil.copy(store, older)  # a backup: the import is committed and checkpointed
    walk(workflow, dossier, meeting=MEETING, until=Stage.PROBATION)
    document.write_text(dumps(dossier), encoding="utf-8")
    imported = runner.invoke(cli, ["import", "--store", str(store), "--update", str(document)])
    assert imported.exit_code == 0, imported.output
    printed = runner.invoke(cli, ["anchor", "--store", str(store)])
    assert printed.exit_code == 0
    anchor = printed.output.strip()
    assert len(anchor) == 64
    checked = runner.invoke(cli, ["verify", "--store", str(store), "--anchor", anchor,
                                  "--lang", "en"])  # fmt: skip
    assert checked.exit_code == 0, checked.output
    assert "passes through the recorded anchor" in checked.output
    # The file put back to the backup: whole and sealed, but not what the register says.
    shutil.copy(older, store)
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    assert runner.invoke(cli, ["verify", "--store", str(store)]).exit_code == 0
    rolled_back = runner.invoke(cli, ["verify", "--store", str(store), "--anchor", anchor,
                                      "--lang", "en"])  # fmt: skip
    assert rolled_back.exit_code == 1
    assert "journal anchor: the journal does not pass through the recorded anchor" in (
        rolled_back.output
    )
    assert "1 other problems" in rolled_back.output
    (tmp_path / "anchor").write_text(anchor + "\n", encoding="utf-8")
    from_file = runner.invoke(
        cli, ["verify", "--store", str(store), "--anchor-file", str(tmp_path / "anchor")]
    )
    assert from_file.exit_code == 1
    (tmp_path / "ketnap.toml").write_text('anchor_file = "anchor"\n', encoding="utf-8")
    from_config = runner.invoke(
        cli, ["--config", str(tmp_path / "ketnap.toml"), "verify", "--store", str(store)]
    )
    assert from_config.exit_code == 1
    assert "does not pass through the recorded anchor" in from_config.output


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--anchor", "deadbeef"], "--anchor: not a journal anchor"),
        (["--anchor", "\x1b[2J" + "0" * 60], "--anchor: not a journal anchor"),
        (["--anchor-file", "/dev/zero"], "--anchor-file: not a regular file"),
        (["--anchor-file", "missing"], "--anchor-file: not a regular file (no such file)"),
        (["--anchor", "0" * 64, "--anchor-file", "x"], "not both"),
    ],
    ids=["short", "escape", "device", "missing", "both"],
)
def test_an_anchor_that_is_not_one_is_named_before_anything_is_read(
    tmp_path: Path, args: list[str], reason: str
) -> None:
    store = tmp_path / "district.db"
    with SQLiteStore(store) as opened:
        opened.save(make_dossier(meeting=MEETING))
    result = CliRunner().invoke(cli, ["verify", "--store", str(store), *args])
    assert result.exit_code in {1, 2}
    assert reason in result.output
    assert "\x1b" not in result.output


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """A server of its own asking the user ``ketnap`` for SECRET (tests/pg.py)."""
    from tests.pg import server  # noqa: PLC0415

    with server(password=SECRET) as url:
        if url is None:
            pytest.skip("no server of our own to set a password on")
        yield url


def _host_port(url: str) -> str:
    return url.partition("@")[2].partition("/")[0]


def _run_everywhere(url: str, folder: Path, caplog: pytest.LogCaptureFixture) -> dict[str, Result]:
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    results = {
        command: runner.invoke(
            cli,
            [command, "--store", url, *args, *([] if command == "anchor" else ["--lang", "en"])],
        )
        for command, args in store_commands(folder).items()
    }
    for command, result in results.items():
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command,
            repr(result.exception),
        )
        assert_no_secret(result.output)
    assert_no_secret(caplog.text)
    return results


@pytest.mark.usefixtures("no_seal_key")
@pytest.mark.parametrize(
    "name", ["encoded password", "password parameter", "plain password", "raw password"]
)
def test_a_wrong_password_is_named_and_never_printed_by_any_command(
    password_server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    url = secret_urls(_host_port(password_server))[name].replace(
        quote(SECRET, safe=""),
        quote(f"not{SECRET}", safe=""),  # wrong, and as secret
    )
    for command, result in _run_everywhere(url, tmp_path, caplog).items():
        if command == "config":
            continue
        assert result.exit_code == 1, (command, result.output)
        assert (
            "the server refused the password" in result.output
            or "the address is malformed" in result.output
        ), (command, result.output)
    if name != "raw password":
        assert "the server refused the password" in result.output


@pytest.mark.usefixtures("no_seal_key")
def test_the_right_password_in_the_address_works_and_is_never_printed(
    password_server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    where = _host_port(password_server)
    url = secret_urls(where)["encoded password, schema"]
    results = _run_everywhere(url, tmp_path, caplog)
    assert results["verify"].exit_code == 0, results["verify"].output
    assert results["config"].exit_code == 0
    assert "postgresql://ketnap@" in results["config"].output
    parameter = secret_urls(where)["password parameter first"]  # #yl, as above
    verified = CliRunner().invoke(cli, ["verify", "--store", parameter, "--lang", "en"])
    assert verified.exit_code == 0, verified.output
    assert_no_secret(verified.output)


@pytest.mark.usefixtures("no_seal_key")
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("/postgres", "/nowhere"), "the database named in the address does not exist"),
        (("ketnap:", "nobody:"), "the user named in the address does not exist"),
    ],
    ids=["unknown database", "unknown user"],
)
def test_an_unknown_database_or_user_is_named(
    postgres_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    change: tuple[str, str], reason: str,
) -> None:  # fmt: skip
    url = secret_urls(_host_port(postgres_url))["encoded password"].replace(*change)
    for command, result in _run_everywhere(url, tmp_path, caplog).items():
        if command != "config":
            assert result.exit_code == 1, (command, result.output)
            assert reason in result.output, (command, result.output)


def test_a_refused_port_is_named_at_once() -> None:
    from ketnap.storage.postgres import PostgresStore  # noqa: PLC0415
    from tests.pg import _free_port  # noqa: PLC0415

    started = time.monotonic()
    with pytest.raises(StoreError, match="nothing listens at that host and port"):
        PostgresStore(f"postgresql://ketnap@127.0.0.1:{_free_port()}/postgres", timeout=10)
    assert time.monotonic() - started < 5  # not the pool's whole timeout
