"""
The ``ketnap`` command.

::

    ketnap check dossier.json --on 2024-03-12      every step's verdict, with reasons
    ketnap due --store district.db --on 2021-08-25 what is due or overdue
    ketnap report --store district.db --unit YL --year 2021 --on 2021-08-25
    ketnap rules --regulation 24                    a regulation's rules and clauses
    ketnap diagram                                  the workflow as a Mermaid diagram
    ketnap import --store district.db *.json        load dossier files into a store
    ketnap verify --store district.db               verify every stored dossier

Errors are one ``Error: ...`` line on standard error and a non-zero exit: 1 for what
ketnap refused (a malformed file, an unknown unit, a missing store), 2 for a command line
that does not parse (a date that is not YYYY-MM-DD, an unknown regulation, a missing file).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import click
import pendulum

from ketnap.dates import DATE_MAX, DATE_MIN
from ketnap.errors import KetnapError
from ketnap.inputs import LIMITS
from ketnap.messages import Lang, Message
from ketnap.reminders import due_list
from ketnap.reports import facts_for, report
from ketnap.rules.regulations import REGULATIONS
from ketnap.rules.ruleset import RuleSet
from ketnap.storage import Query, SQLiteStore, loads
from ketnap.workflow import Workflow

__all__ = ["main"]


_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


class _DateType(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A date as YYYY-MM-DD, exactly, within the dates ketnap covers."""

    name = "date"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> pendulum.Date:
        if isinstance(value, pendulum.Date):
            return value
        text = str(value)
        # date.fromisoformat also takes 20240312 and 2024-W11-2; the command promises one form.
        if not _ISO_DATE.fullmatch(text):
            self.fail(f"{_safe(repr(text))} is not a date as YYYY-MM-DD", param, ctx)
        try:
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"{text} is not a valid date (no such day in the calendar)", param, ctx)
        if not DATE_MIN <= parsed <= DATE_MAX:
            self.fail(f"{text} is outside the dates ketnap covers ({DATE_MIN} to {DATE_MAX})")
        return pendulum.Date(parsed.year, parsed.month, parsed.day)


# Characters a terminal acts on, or that reorder what a reader sees.
_UNSAFE: Final = frozenset({"Cc", "Cs", "Co", "Cn", "Cf"})


def _safe(text: str) -> str:
    r"""Return *text* with every control, format or unpaired character escaped as \uXXXX."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in _UNSAFE else char for char in text
    )


def _echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Echo *text* escaped line by line: the line breaks of a table are kept."""
    click.echo("\n".join(_safe(line) for line in text.split("\n")), err=err, nl=nl)


DATE = _DateType()
_LANG = click.option(
    "--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
    help="language of labels and messages",
)  # fmt: skip
_STORE = click.option(
    "--store", "store_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="the SQLite store file",
)  # fmt: skip


class _Group(click.Group):
    """Turns ketnap's own errors and file errors into one line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:  # noqa: ANN401 - click's own signature
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # the reader went away (`ketnap rules | head`): not an error
            sys.stderr.close()
            ctx.exit(0)
        except (KetnapError, OSError) as exc:
            # The same shape as click's own errors: one line, exit status 1.
            _echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except click.ClickException as exc:
            # Messages quote paths and values from the command line: escaped, the exit
            # status (2 for a usage error) kept.
            exc.message = _safe(exc.message)  # type: ignore[misc]  # Final only in stubs
            raise
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - a last resort: never a traceback
            _echo(f"Error: internal error ({type(exc).__name__}); please report it", err=True)
            ctx.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="ketnap")
def cli() -> None:
    """Admission to the Communist Party of Vietnam as a workflow (kết nạp đảng viên)."""


_NO_STEP = Message(vi="  (không còn bước nào)", en="  (no step leads on)")
_NOTHING_DUE = Message(vi="Không có việc đến hạn.", en="Nothing due.")


def _open(path: Path, *, create: bool = False) -> SQLiteStore:
    if str(path) in {"", ":memory:"} or str(path).startswith("file:"):
        raise click.ClickException(f"{_safe(str(path))!r} is not a store file")
    if not create and not path.exists():
        raise click.ClickException(f"no store at {_safe(str(path))}")
    # The command line sits above reports, so it gives the store its facts function.
    # Read-only commands never create: a file that is not a store is refused untouched.
    return SQLiteStore(path, facts=facts_for(Workflow()), create=create)


def _read(path: Path) -> bytes:
    """Read a dossier file, refusing one larger than a document may be before reading it all."""
    with path.open("rb") as file:
        data = file.read(LIMITS.document_bytes + 1)
    if len(data) > LIMITS.document_bytes:
        raise click.ClickException(
            f"{_safe(str(path))}: larger than a dossier document may be "
            f"({LIMITS.document_bytes:,} bytes)"
        )
    return data


@cli.command()
@click.argument("dossier_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--on", "on", type=DATE, required=True, help="date of the act (YYYY-MM-DD)")
@_LANG
def check(dossier_file: Path, on: pendulum.Date, lang: Lang) -> None:
    """Print every step open to DOSSIER_FILE on a date, allowed or refused, with reasons."""
    dossier = loads(_read(dossier_file))
    workflow = Workflow()
    process = workflow.process
    _echo(f"{dossier.id} · {process.text(dossier.stage, lang)} · {on.isoformat()}")
    rows = workflow.steps_from(dossier.stage)
    if not rows:
        _echo(_NO_STEP.render(lang))
    for row in rows:
        actor = min(row.actors)
        failures = workflow.check(dossier, row.step, on=on, actor=actor)
        mark = "✓" if not failures else "✗"
        _echo(f"{mark} {process.text(row.step, lang)} [{row.step}; {actor.text(lang)}]")
        for failure in failures:
            _echo(f"    - {failure.text(lang)}")


@cli.command()
@_STORE
@click.option("--on", "on", type=DATE, required=True, help="report date (YYYY-MM-DD)")
@click.option("--within", type=click.IntRange(0, 2000), default=15, show_default=True,
              help="horizon in working days")  # fmt: skip
@_LANG
def due(store_path: Path, on: pendulum.Date, within: int, lang: Lang) -> None:
    """List what is due within a horizon, and what is overdue, by branch."""
    workflow = Workflow()
    horizon = workflow.calendar.add_working_days(on, within)
    with _open(store_path) as store:
        feed = due_list(store.find(Query(due_by=horizon)), on=on, within=within, workflow=workflow)
    if not len(feed) and not feed.problems and not feed.late:
        _echo(_NOTHING_DUE.render(lang))
    for branch, part in feed.by_organization().items():
        _echo(f"{branch}:")
        for item in (*part.overdue, *part.due):
            _echo(f"  - {item.text(lang)}")
        for problem in part.problems:
            _echo(f"  ! {problem.text(lang)}")
        for late in part.late:
            _echo(f"  ~ {late.text(lang)}")


@cli.command(name="report")
@_STORE
@click.option("--unit", required=True, help="code of the organisation reported on")
@click.option("--year", type=click.IntRange(DATE_MIN.year, DATE_MAX.year), required=True,
              help="the year")  # fmt: skip
@click.option("--on", "on", type=DATE, help="report date (default: 31 December of the year)")
@click.option("--from", "since", type=DATE, help="first day of the period (default: 1 January)")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)  # fmt: skip
@_LANG
def report_command(  # noqa: PLR0917 - click passes one argument per option
    store_path: Path,
    unit: str,
    year: int,
    on: pendulum.Date | None,
    since: pendulum.Date | None,
    fmt: str,
    lang: Lang,
) -> None:
    """Print an organisation's admission report for a year against its quota."""
    with _open(store_path) as store:
        result = report(
            store, store.tree(), store.quotas(), unit=unit, year=year,
            on=on or pendulum.Date(year, 12, 31), since=since,
        )  # fmt: skip
    if fmt == "json":
        _echo(result.to_json())
    elif fmt == "csv":
        _echo(result.to_csv(), nl=False)
    else:
        _echo(result.to_table(lang))


def _regulation(code: str) -> RuleSet:
    for ruleset in REGULATIONS.values():
        number = ruleset.code.split("-", 1)[0]
        if code in {ruleset.code, number, ruleset.code.replace("Đ", "D")}:
            return ruleset
    known = ", ".join(REGULATIONS)
    raise click.BadParameter(
        f"unknown regulation {code!r}; known: {known}", param_hint="--regulation"
    )


@cli.command()
@click.option("--regulation", help="code, e.g. 24-QĐ/TW or 24 (default: every regulation)")
@_LANG
def rules(regulation: str | None, lang: Lang) -> None:
    """List the rules of a regulation with their clauses."""
    rulesets = [_regulation(regulation)] if regulation else list(REGULATIONS.values())
    for ruleset in rulesets:
        click.echo(f"{ruleset.code} · {ruleset.title.render(lang)}")
        for rule in ruleset:
            click.echo(f"  {rule.id:<32} {rule.ref:<16} {rule.clause}")


@cli.command()
@_LANG
def diagram(lang: Lang) -> None:
    """Print the workflow as a Mermaid state diagram."""
    click.echo(Workflow().mermaid(lang))


@cli.command(name="import")
@_STORE
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))  # fmt: skip
def import_command(store_path: Path, files: Sequence[Path]) -> None:
    """Load dossier JSON FILES into a store, in one transaction (all or none)."""
    dossiers = []
    with click.progressbar(files, label="Reading dossiers", file=sys.stderr) as bar:
        for path in bar:
            try:
                dossiers.append(loads(_read(path)))
            except KetnapError as exc:
                raise click.ClickException(f"{_safe(str(path))}: {_safe(str(exc))}") from None
    with _open(store_path, create=True) as store:
        saved = store.save_all(dossiers)
    _echo(f"{saved} dossiers saved to {store_path}")


@cli.command()
@_STORE
def verify(store_path: Path) -> None:
    """Verify every stored dossier (history chains, seals); exit 1 if any fails."""
    with _open(store_path) as store:
        total = store.count()
        with click.progressbar(length=total, label="Verifying", file=sys.stderr) as bar:
            problems = store.verify(progress=bar.update)
    for problem in problems:
        _echo(str(problem))
    failed = len({p.key for p in problems if p.kind == "dossier"})
    _echo(f"{total - failed} of {total} dossiers verify")
    if problems:
        sys.exit(1)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        cli.main(args=None if argv is None else list(argv), prog_name="ketnap")
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
