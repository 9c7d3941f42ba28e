"""Every code block of the docs runs: Python blocks as doctests (pytest's --doctest-glob),
the command lines of ``console`` blocks here. Other blocks may only show output."""

from __future__ import annotations

import pathlib
import re
import shlex
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Benchmarks run at their full size by hand; here with a few dossiers, to prove they run.
SMALL = "200"


def blocks(lang: str) -> list[tuple[str, str]]:
    return [
        (path.name, body)
        for path in DOCS
        for kind, body in FENCE.findall(path.read_text(encoding="utf-8"))
        if kind == lang
    ]


def test_docs_use_only_runnable_or_output_blocks() -> None:
    kinds = {
        (path.name, kind)
        for path in DOCS
        for kind, _ in FENCE.findall(path.read_text(encoding="utf-8"))
    }
    assert {kind for _, kind in kinds} <= {"python", "console", "text", "toml"}, kinds


def test_every_configuration_shown_in_the_docs_loads(tmp_path: pathlib.Path) -> None:
    # A ```toml block is a ketnap.toml: it must load, its rulebook standing for a module
    # of the office's own (here one that gives the shipped workflow).
    from ketnap import Deployment  # noqa: PLC0415

    (tmp_path / "office_rules.py").write_text(
        "from ketnap import Workflow\nWORKFLOW = Workflow()\n", encoding="utf-8"
    )
    blocks = [
        (path.name, text)
        for path in DOCS
        for kind, text in FENCE.findall(path.read_text(encoding="utf-8"))
        if kind == "toml"
    ]
    assert blocks
    try:
        for name, text in blocks:
            config = tmp_path / "ketnap.toml"
            config.write_text(text, encoding="utf-8")
            deployment = Deployment.load(config, environ={})
            assert deployment.rulebook in {None, "office_rules:WORKFLOW"}, name
    finally:
        sys.modules.pop("office_rules", None)


def command(line: str) -> list[str]:
    words = shlex.split(line.removeprefix("$ ").split("  #", 1)[0])
    program = words[0]
    if program == ".venv/bin/python":
        words[0] = sys.executable
    elif program == ".venv/bin/ketnap":
        found = shutil.which("ketnap", path=str(pathlib.Path(sys.executable).parent))
        assert found is not None
        words[0] = found
    words[1:] = [str(ROOT / w) if (ROOT / w).is_file() else w for w in words[1:]]
    if any("benchmarks" in w for w in words):
        if "--n" in words:
            words[words.index("--n") + 1] = SMALL
        else:
            words += ["--n", SMALL]
    return words


@pytest.mark.parametrize(("page", "body"), blocks("console"), ids=lambda v: str(v)[:40])
def test_console_blocks_run(page: str, body: str, tmp_path: pathlib.Path) -> None:
    for line in body.splitlines():
        if not line.startswith("$ "):
            continue
        result = subprocess.run(  # noqa: S603 - commands written in our own docs
            command(line), cwd=tmp_path, capture_output=True, text=True, encoding="utf-8",
            check=False, timeout=600,
        )  # fmt: skip
        assert result.returncode == 0, f"{page}: {line}\n{result.stderr}"


def _bullet(page: str, title: str) -> str:
    """The list item of *page* that opens with the bold *title*, up to the next item."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    start = text.index(f"- **{title}")
    end = text.find("\n- ", start + 1)
    return text[start : end if end != -1 else None]


def test_the_policy_page_names_exactly_the_late_rules() -> None:
    """docs/policy.md says which deadlines are recorded late and which refuse, as the code does."""
    from ketnap import REGULATIONS  # noqa: PLC0415

    rules = {rule.id: rule for ruleset in REGULATIONS.values() for rule in ruleset}
    late = {rule_id for rule_id, rule in rules.items() if rule.late}
    named = set(re.findall(r"`([a-z]+\.[a-z_]+)`", _bullet("policy.md", "Late decisions")))
    assert late
    assert named & rules.keys() == late
    ids = re.findall(r"`([a-z]+\.[a-z_]+)`", _bullet("policy.md", "Deadlines that"))
    refusing = {name for name in ids if not name.startswith("ketnap.")}  # API names
    assert refusing
    assert refusing <= rules.keys()
    assert not refusing & late


_NOT_SHIPPED = ("not built", "not yet", "planned", "not shipped", "to come", "missing")


def test_the_limitations_page_names_no_shipped_store_as_missing() -> None:
    """docs/limitations.md names every store ketnap ships, and calls none of them missing."""
    import ketnap.storage  # noqa: PLC0415

    stores = [
        name
        for name in ketnap.storage.__all__
        if name.endswith("Store")
        and name != "Store"
        and isinstance(getattr(ketnap.storage, name), type)
    ]
    assert stores
    storage = _bullet("limitations.md", "Storage")
    text = (ROOT / "docs" / "limitations.md").read_text(encoding="utf-8")
    sentences = re.split(r"(?<=[.;])\s", " ".join(text.split()))
    for name in stores:
        assert f"`{name}`" in storage, name
    for sentence in sentences:
        if any(word in sentence for word in ("store", "Store", "PostgreSQL", "SQLite")):
            assert not any(phrase in sentence for phrase in _NOT_SHIPPED), sentence
