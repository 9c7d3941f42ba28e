"""The command line on a PostgreSQL store, and the seal key from the environment (issue 15)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from ketnap import Stage, StoreError, Workflow
from ketnap.cli import cli
from ketnap.deployment import show_store
from ketnap.storage import dumps
from ketnap.testing import make_dossier, walk
from tests.conftest import MEETING
from tests.test_cli_setup import TREE


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
