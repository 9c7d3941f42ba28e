"""
The ``ketnap`` command.

::

    ketnap config                                   the configuration in force, no secrets
    ketnap check dossier.json --on 2024-03-12      every step's verdict, with reasons
    ketnap due --on 2021-08-25                     what is due or overdue
    ketnap report --unit YL --year 2021 --on 2021-08-25
    ketnap rules --regulation 24                    a regulation's rules and clauses
    ketnap diagram                                  the workflow as a Mermaid diagram
    ketnap import *.json                            load dossier files into the store
    ketnap verify                                   verify every stored dossier
    ketnap anchor                                   the save journal's anchor, to record
    ketnap verify --anchor HEX                      ... and that the journal passes it
    ketnap migrate --trust-unsealed                 migrate a layout-1 store, on purpose
    ketnap setup --tree tree.json --quotas quotas.json
    ketnap create dossier.json                      a new dossier, no history yet
    ketnap act HS-001 propose_admission --on 2024-03-12 --actor branch
    ketnap apply journal.jsonl                      records and acts, one JSON per line
    ketnap export --out folder                      every dossier as a JSON document
    ketnap forms                                    the forms ketnap fills
    ketnap statistics --unit YL --on 2021-08-25     Biểu số 3-BTCTW
    ketnap form 9-KNĐ HS-001                        place and signer from ketnap.toml

Every command reads the office's configuration (``ketnap.toml``, ``--config FILE`` or
``KETNAP_CONFIG``: the store, the rulebook, the seal key file, the language, the office);
``--store`` and ``--lang`` override it.

Every date option takes ``YYYY-MM-DD`` or ``dd/mm/yyyy`` (day first: ``01/05/2025`` is
1 May), exactly those forms. ``-h`` is ``--help`` on every command; ``ketnap --version``
prints ``ketnap.__version__``; ``ketnap act -h`` lists the deployment's step codes.
``import``, ``apply``, ``export`` and ``verify`` show a progress bar on standard error
when it is a terminal, and nothing in a pipe or a log.

Errors are one ``Error: ...`` line on standard error and a non-zero exit: 1 for what
ketnap refused (a malformed file, an unknown unit, a missing or wrong store, a wrong
configuration), 2 for a command line that does not parse (a date in neither form, an
unknown regulation, a missing file). A refused act is its step's line and then one line
per failed rule, as ``ketnap act`` prints it.
"""

from __future__ import annotations

import contextlib
import json
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Final, NoReturn

import attrs
import click
import pendulum

from ketnap import __version__
from ketnap.application import AlreadyStored, Application, check_steps, load_document
from ketnap.dates import DATE_MAX, DATE_MIN, as_date, parse_either_date
from ketnap.deployment import Deployment, show_store
from ketnap.errors import InvalidInput, KetnapError
from ketnap.forms import FORMS, FormRefused, find_form
from ketnap.inputs import CSV_BOM, LIMITS, open_input
from ketnap.journal import JournalRefused
from ketnap.messages import Lang, Message
from ketnap.model import Actor, Dossier
from ketnap.organizations import OrganizationTree, Quotas, courses_from_data
from ketnap.process import ADMISSION
from ketnap.rules.refused import TransitionRefused
from ketnap.rules.ruleset import RuleSet
from ketnap.sheets import (
    Setup,
    SheetRefused,
    csv_encoding,
    estimate_rows,
    read_dossier_rows,
    read_setup,
    write_template,
)
from ketnap.statistics import NewMembersStatistics

__all__ = ["main"]


class _DateType(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """
    A date as YYYY-MM-DD or dd/mm/yyyy (day first), exactly, within the dates ketnap covers.

    Every date option of every command is of this type: a date is typed as the sheets and
    the papers write it, or as the documents do.
    """

    name = "date"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> pendulum.Date:
        if isinstance(value, pendulum.Date):
            return value
        text = str(value)
        try:
            return as_date(parse_either_date(text))
        except InvalidInput as exc:
            self.fail(f"{_safe(repr(text))}: {exc.reason}", param, ctx)


# Characters a terminal acts on, or that reorder what a reader sees.
_UNSAFE: Final = frozenset({"Cc", "Cs", "Co", "Cn", "Cf"})


def _safe(text: str) -> str:
    r"""Return *text* with every control, format or unpaired character escaped as \uXXXX."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in _UNSAFE else char for char in text
    )


def _safe_lines(text: str) -> str:
    """Return *text* escaped line by line (`_safe`): its line breaks are kept."""
    return "\n".join(_safe(line) for line in text.split("\n"))


def _echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Echo *text* escaped line by line: the line breaks of a table are kept."""
    click.echo(_safe_lines(text), err=err, nl=nl)


def _echo_csv(text: str) -> None:
    """
    Echo a CSV text escaped (`_echo`), its byte-order mark kept for a file or a pipe.

    Excel needs the mark to read the file as UTF-8; a terminal needs none.
    """
    body = text.removeprefix(CSV_BOM)
    if body != text and not sys.stdout.isatty():
        click.echo(CSV_BOM, nl=False)
    _echo(body, nl=False)


def _write_csv(text: str, out_path: Path | None) -> None:
    """Write a CSV text to *out_path* (UTF-8, its mark first) and echo the path; else echo it."""
    if out_path is None:
        _echo_csv(text)
    else:
        out_path.write_text(text, encoding="utf-8")
        _echo(str(out_path))


class _Lines(click.ClickException):
    """An error of several lines (a refusal and each failed rule), printed line by line."""

    def __init__(self, text: str) -> None:
        # Escaped here, line by line; the group leaves the line breaks as they are.
        super().__init__(_safe_lines(text))


def _on_terminal() -> bool:
    """Whether standard error is a terminal, where progress is worth showing."""
    return sys.stderr.isatty()


def _ignore(_done: int) -> None:
    """Progress nobody sees."""


@contextlib.contextmanager
def _progress(length: int | Callable[[], int], label: str) -> Iterator[Callable[[int], None]]:
    """
    A progress bar of *length* steps on standard error, only when it is a terminal.

    Yields the function to call with the steps done (``advance(1)``): a click progress
    bar's ``update`` on a terminal, a function that does nothing in a pipe or a log, which
    stay quiet. Every long command shows its progress through this. *length* may be a
    function that counts the steps: it is called only when a bar is shown.
    """
    if not _on_terminal():
        yield _ignore
        return
    steps = length() if callable(length) else length
    with click.progressbar(length=steps, label=label, file=sys.stderr) as bar:
        yield bar.update


DATE = _DateType()
_LANG = click.option(
    "--lang", type=click.Choice(["vi", "en"]), default=None,
    help="language of labels and messages (default: lang in ketnap.toml, else vi)",
)  # fmt: skip

_STORE = click.option(
    "--store", "store", metavar="STORE",
    help="the SQLite store file, or postgresql://user@host/db[#schema] (the password from"
         " PGPASSWORD or ~/.pgpass); default: KETNAP_STORE, else store in ketnap.toml",
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
        except _Lines:
            raise  # escaped line by line already: its line breaks are the refusal's lines
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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ketnap")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="the deployment's configuration (default: KETNAP_CONFIG, else "
                   "./ketnap.toml if present)")  # fmt: skip
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Admission to the Communist Party of Vietnam as a workflow (kết nạp đảng viên)."""
    ctx.obj = config


def _deployment(store: str | None = None, lang: str | None = None) -> Deployment:
    """The deployment in force: ketnap.toml, the environment, then the command's options."""
    ctx = click.get_current_context()
    config = ctx.find_root().obj
    return Deployment.load(config, store=store, lang=lang)  # type: ignore[arg-type]


def _open(deployment: Deployment, *, create: bool = False) -> Application:
    # Read-only commands never create: a file that is not a store is refused untouched.
    return deployment.open(create=create)


_NO_STEP = Message(vi="  (không còn bước nào)", en="  (no step leads on)")
_NOTHING_DUE = Message(vi="Không có việc đến hạn.", en="Nothing due.")


def _input(path: Path) -> BinaryIO:
    """Open an input file, refusing a pipe or a device: it would block, or never end."""
    try:
        return open_input(path)
    except InvalidInput as exc:
        raise click.ClickException(f"{_safe(str(path))}: {exc.reason}") from None


def _read(path: Path) -> bytes:
    """Read a dossier file, refusing one larger than a document may be before reading it all."""
    with _input(path) as file:
        data = file.read(LIMITS.document_bytes + 1)
    if len(data) > LIMITS.document_bytes:
        raise click.ClickException(
            f"{_safe(str(path))}: larger than a dossier document may be "
            f"({LIMITS.document_bytes:,} bytes)"
        )
    return data


def _document(deployment: Deployment, path: Path) -> Dossier:
    """A dossier file read by the deployment's process and regulations."""
    try:
        return load_document(deployment.law, _read(path))
    except KetnapError as exc:
        raise click.ClickException(f"{_safe(str(path))}: {_safe(str(exc))}") from None


# --- what the writing commands say -----------------------------------------------------------
_SAVED = Message(vi="Đã lưu {n:,} hồ sơ vào {store}", en="{n:,} dossiers saved to {store}")
_VERIFIED = Message(vi="{ok:,}/{total:,} hồ sơ hợp lệ", en="{ok:,} of {total:,} dossiers verify")
_STORED_TREE = Message(vi="cây tổ chức: {n:,} đơn vị", en="tree: {n:,} units")
_STORED_QUOTAS = Message(vi="chỉ tiêu: {n:,}", en="quotas: {n:,}")
_STORED_COURSES = Message(vi="lớp bồi dưỡng: {n:,}", en="courses: {n:,}")
_WRITTEN = Message(vi="Đã ghi {n:,} hồ sơ vào {folder}", en="{n:,} dossiers written to {folder}")
_CREATED = Message(vi="Đã tạo hồ sơ {id}", en="{id} created")


@cli.command()
@click.argument("dossier_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--on", "on", type=DATE, required=True,
              help="date of the act (YYYY-MM-DD or dd/mm/yyyy)")  # fmt: skip
@_LANG
def check(dossier_file: Path, on: pendulum.Date, lang: Lang | None) -> None:
    """Print every step open to DOSSIER_FILE on a date, allowed or refused, with reasons."""
    deployment = _deployment(lang=lang)
    lang = deployment.lang
    dossier = _document(deployment, dossier_file)
    process = deployment.law.process
    _echo(f"{dossier.id} · {process.text(dossier.stage, lang)} · {on.isoformat()}")
    verdicts = check_steps(deployment.law, dossier, on=on)
    if not verdicts:
        _echo(_NO_STEP.render(lang))
    for verdict in verdicts:
        mark = "✓" if verdict.allowed else "✗"
        step = verdict.row.step
        _echo(f"{mark} {process.text(step, lang)} [{step}; {verdict.actor.text(lang)}]")
        for failure in verdict.failures:
            _echo(f"    - {failure.text(lang)}")


def _check_out(fmt: str, out_path: Path | None) -> None:
    """Refuse an --out the format does not write, or one named for another format."""
    if fmt == "xlsx" and out_path is None:
        raise click.UsageError("--format xlsx writes a file: give --out FILE.xlsx")
    if out_path is None:
        return
    if fmt not in {"csv", "xlsx"}:
        raise click.UsageError(f"--out writes .csv or .xlsx: give --format csv or xlsx, not {fmt}")
    if out_path.suffix.lower() != f".{fmt}":
        raise click.UsageError(f"--format {fmt} writes a .{fmt} file, not {out_path.name!r}")


@cli.command()
@_STORE
@click.option("--on", "on", type=DATE, required=True,
              help="report date (YYYY-MM-DD or dd/mm/yyyy)")  # fmt: skip
@click.option("--within", type=click.IntRange(0, 2000), default=15, show_default=True,
              help="horizon in working days")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "xlsx"]),
              default="text", show_default=True)  # fmt: skip
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="the .csv or .xlsx to write (required with --format xlsx)")  # fmt: skip
@_LANG
def due(  # noqa: PLR0917 - click passes one argument per option
    store: str | None,
    on: pendulum.Date,
    within: int,
    fmt: str,
    out_path: Path | None,
    lang: Lang | None,
) -> None:
    """List what is due within a horizon, and what is overdue, by branch."""
    _check_out(fmt, out_path)
    deployment = _deployment(store, lang)
    lang = deployment.lang
    with _open(deployment) as office:
        feed = office.due(on=on, within=within)
    if fmt == "xlsx":
        assert out_path is not None  # noqa: S101 - refused above
        _echo(str(feed.write_xlsx(out_path, lang)))
        return
    if fmt == "csv":
        _write_csv(feed.to_csv(lang), out_path)
        return
    if fmt == "json":
        _echo(json.dumps(feed.to_data(lang), ensure_ascii=False, indent=2))
        return
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
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "html"]),
              default="table", show_default=True,
              help="html: one self-contained page with charts (no network needed)")  # fmt: skip
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="write to this file instead of the terminal")  # fmt: skip
@_LANG
def report_command(  # noqa: PLR0917 - click passes one argument per option
    store: str | None,
    unit: str,
    year: int,
    on: pendulum.Date | None,
    since: pendulum.Date | None,
    fmt: str,
    out_path: Path | None,
    lang: Lang | None,
) -> None:
    """Print an organisation's admission report for a year against its quota."""
    if fmt == "html" and since is not None:
        raise click.UsageError("the html page is of the year to date: --from is for the others")
    deployment = _deployment(store, lang)
    lang = deployment.lang
    with _open(deployment) as office:
        if fmt == "html":
            text = office.report_page(unit, year, on=on, lang=lang)
        else:
            result = office.report(unit, year, on=on, since=since)
            text = {
                "json": result.to_json() + "\n",
                "csv": result.to_csv(),
                "table": result.to_table(lang) + "\n",
            }[fmt]
    if fmt == "csv":
        _write_csv(text, out_path)
    elif out_path is None:
        _echo(text, nl=False)
    else:
        out_path.write_text(text, encoding="utf-8")
        _echo(str(out_path))


@cli.command()
@_STORE
@click.option("--unit", required=True, help="code of the organisation counted")
@click.option("--on", "on", type=DATE, required=True, help="last day of the period")
@click.option("--from", "since", type=DATE, help="first day (default: 1 January)")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True)  # fmt: skip
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="the .csv or .xlsx to write (required with --format xlsx)")  # fmt: skip
@_LANG
def statistics(  # noqa: PLR0917 - click passes one argument per option
    store: str | None,
    unit: str,
    on: pendulum.Date,
    since: pendulum.Date | None,
    fmt: str,
    out_path: Path | None,
    lang: Lang | None,
) -> None:
    """The statistics of newly admitted members (Biểu số 3-BTCTW) for a unit and period."""
    _check_out(fmt, out_path)
    deployment = _deployment(store, lang)
    lang = deployment.lang
    with _open(deployment) as office:
        form: NewMembersStatistics = office.statistics(unit, on=on, since=since)
    if fmt == "csv":
        _write_csv(form.to_csv(), out_path)
    elif fmt == "json":
        _echo(json.dumps(form.to_data(lang), ensure_ascii=False, indent=2))
    elif fmt == "xlsx":
        assert out_path is not None  # noqa: S101 - refused above
        _echo(str(form.write_xlsx(out_path, lang)))
    else:
        _echo(form.to_text(lang))


def _regulation(deployment: Deployment, code: str) -> RuleSet:
    rulesets = deployment.law.regulations
    for ruleset in rulesets:
        number = ruleset.code.split("-", 1)[0]
        if code in {ruleset.code, number, ruleset.code.replace("Đ", "D")}:
            return ruleset
    known = ", ".join(ruleset.code for ruleset in rulesets)
    raise click.BadParameter(
        f"unknown regulation {code!r}; known: {known}", param_hint="--regulation"
    )


@cli.command()
@click.option("--regulation", help="code, e.g. 24-QĐ/TW or 24 (default: every regulation)")
@_LANG
def rules(regulation: str | None, lang: Lang | None) -> None:
    """List the rules of a regulation with their clauses (the deployment's, local ones too)."""
    deployment = _deployment(lang=lang)
    lang = deployment.lang
    rulesets = (
        [_regulation(deployment, regulation)] if regulation else list(deployment.law.regulations)
    )
    for ruleset in rulesets:
        click.echo(f"{ruleset.code} · {ruleset.title.render(lang)}")
        for rule in ruleset:
            click.echo(f"  {rule.id:<32} {rule.ref:<16} {rule.clause}")


@cli.command()
@_LANG
def diagram(lang: Lang | None) -> None:
    """Print the workflow as a Mermaid state diagram."""
    deployment = _deployment(lang=lang)
    click.echo(deployment.law.mermaid(deployment.lang))


_CONFIG_LINE = "{key:<20} {value}"


@cli.command()
@_STORE
@_LANG
def config(store: str | None, lang: Lang | None) -> None:
    """Print the configuration in force (no secret: a key is named, never shown)."""
    deployment = _deployment(store, lang)
    for key, value in deployment.describe().items():
        _echo(_CONFIG_LINE.format(key=key, value=value))


@cli.command(name="import")
@_STORE
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))  # fmt: skip
@click.option("--update", is_flag=True,
              help="replace dossiers already stored (refused if another writer saved them "
                   "meanwhile)")  # fmt: skip
@_LANG
def import_command(
    store: str | None, files: Sequence[Path], update: bool, lang: Lang | None
) -> None:
    """Load dossier JSON FILES into a store, in one transaction (all or none)."""
    deployment = _deployment(store, lang)
    with _open(deployment, create=True) as office:

        def dossiers() -> Iterator[Dossier]:
            # Read one file at a time inside the transaction: memory stays flat however
            # many files, and any bad one rolls everything back.
            with _progress(len(files), "Importing dossiers") as advance:
                for path in files:
                    yield _document(deployment, path)
                    advance(1)

        saved = office.import_dossiers(dossiers(), update=update)
    _echo(_SAVED.render(deployment.lang, {"n": saved, "store": show_store(str(deployment.store))}))


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_ENCODING = click.option(
    "--encoding", type=click.Choice(["utf-8", "utf-16", "cp1258"], case_sensitive=False),
    help="a .csv file's encoding when it has no byte-order mark (default utf-8; cp1258 is "
         "Windows-1258, which Excel writes for CSV on Vietnamese Windows)",
)  # fmt: skip
_READ_AS = Message(vi="Đọc {file} theo bảng mã {encoding}", en="Reading {file} as {encoding}")


def _say_encoding(path: Path, encoding: str | None, lang: Lang) -> None:
    """Say which encoding a .csv file is read in, when it is not UTF-8."""
    try:
        used = csv_encoding(path, encoding)
    except InvalidInput as exc:
        raise click.ClickException(f"{_safe(str(path))}: {_safe(str(exc))}") from None
    if used not in {None, "UTF-8"}:
        _echo(_READ_AS.render(lang, {"file": str(path), "encoding": used}))


def _json_file(path: Path) -> object:
    """Parse a JSON setup file (tree, quotas, courses), bounded like a dossier document."""
    data = _read(path)
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise click.ClickException(f"{_safe(str(path))}: not a JSON file") from None


@cli.command()
@_STORE
@click.option("--tree", "tree_file", type=_FILE,
              help="the organisation tree, as OrganizationTree.to_data writes it")  # fmt: skip
@click.option("--quotas", "quotas_file", type=_FILE,
              help='quotas: [{"unit": ..., "year": ..., "admissions": ...}]')  # fmt: skip
@click.option("--courses", "courses_file", type=_FILE,
              help='courses: [{"code", "unit", "opened_on", "closed_on", "trainees"}]')  # fmt: skip
@click.option("--sheet", "sheet_files", type=_FILE, multiple=True,
              help="a .xlsx workbook with the sheets Tổ chức, Chỉ tiêu, Lớp bồi dưỡng, or a "
                   ".csv of one of them (repeatable)")  # fmt: skip
@_ENCODING
@_LANG
def setup(  # noqa: PLR0917 - click passes one argument per option
    store: str | None,
    tree_file: Path | None,
    quotas_file: Path | None,
    courses_file: Path | None,
    sheet_files: Sequence[Path],
    encoding: str | None,
    lang: Lang | None,
) -> None:
    """Store the organisation tree, the quotas and the courses a report needs."""
    if tree_file is None and quotas_file is None and courses_file is None and not sheet_files:
        raise click.UsageError("give at least one of --tree, --quotas, --courses, --sheet")
    deployment = _deployment(store, lang)
    lang = deployment.lang
    try:
        for sheet_file in sheet_files:
            _say_encoding(sheet_file, encoding, lang)
        from_sheets = read_setup(*sheet_files, encoding=encoding) if sheet_files else Setup()
        tree = None if tree_file is None else OrganizationTree.from_data(_json_file(tree_file))
        quotas = None if quotas_file is None else Quotas.from_data(_json_file(quotas_file))
        courses = None if courses_file is None else courses_from_data(_json_file(courses_file))
    except SheetRefused as refused:
        _sheet_problems(refused, lang)
    except KetnapError as exc:
        raise click.ClickException(_safe(str(exc))) from None
    if (
        (tree and from_sheets.tree)
        or (quotas and from_sheets.quotas)
        or (courses and from_sheets.courses)
    ):
        raise click.UsageError("a table is given both as JSON and in a sheet")
    tree, quotas = tree or from_sheets.tree, quotas or from_sheets.quotas
    courses = courses if courses is not None else from_sheets.courses
    with _open(deployment, create=True) as office:
        office.setup(tree=tree, quotas=quotas, courses=courses)
    if tree is not None:
        _echo(_STORED_TREE.render(lang, {"n": len(list(tree))}))
    if quotas is not None:
        _echo(_STORED_QUOTAS.render(lang, {"n": len(quotas.items())}))
    if courses is not None:
        _echo(_STORED_COURSES.render(lang, {"n": len(courses)}))


@cli.command()
@_STORE
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="folder to write one JSON document per dossier into")  # fmt: skip
@click.option("--setup", "with_setup", is_flag=True,
              help="also write tree.json, quotas.json and courses.json")  # fmt: skip
@click.option("--sheet", type=click.Choice(["xlsx", "csv"]),
              help="also write one row per dossier, danh-sach.xlsx or .csv (and with --setup "
                   "the tree, quotas and courses as sheets)")  # fmt: skip
@_LANG
def export(
    store: str | None, out_dir: Path, with_setup: bool, sheet: str | None, lang: Lang | None
) -> None:
    """Write every stored dossier as a JSON document (what import reads back)."""
    deployment = _deployment(store, lang)
    with (
        _open(deployment) as office,
        _progress(office.store.count, "Exporting") as advance,
    ):
        written = office.export(out_dir, setup=with_setup, sheet=sheet, progress=advance)
    _echo(_WRITTEN.render(deployment.lang, {"n": written, "folder": str(out_dir)}))


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def template(path: Path) -> None:
    """Write an empty workbook (.xlsx) of dossiers with its columns and a guide sheet."""
    if path.suffix.lower() != ".xlsx":
        raise click.UsageError("the template is a .xlsx workbook")
    write_template(path, process=_deployment().law.process)
    _echo(str(path))


@cli.command(name="import-sheet")
@_STORE
@click.argument("sheet_file", type=_FILE)
@click.option("--adopted-on", "adopted_on", type=DATE,
              help="the day the acts the rows give are entered (needed when a row gives "
                   "acts: members in progress)")  # fmt: skip
@click.option("--update", is_flag=True,
              help="update dossiers already stored with what their rows carry, keeping their "
                   "other records and history (refused if another writer saved them "
                   "meanwhile)")  # fmt: skip
@click.option("--rejects", "rejects", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE",
              help="store the valid rows and write the others, with a column 'Lý do', to FILE "
                   "(.xlsx or .csv), to correct and import again (default: all rows valid, or "
                   "nothing stored)")  # fmt: skip
@_ENCODING
@_LANG
def import_sheet(  # noqa: PLR0917 - click passes one argument per option
    store: str | None,
    sheet_file: Path,
    adopted_on: pendulum.Date | None,
    update: bool,
    rejects: Path | None,
    encoding: str | None,
    lang: Lang | None,
) -> None:
    """Create the dossiers of a sheet (.xlsx or .csv): all rows valid, or nothing stored."""
    if rejects is not None and rejects.suffix.lower() not in {".xlsx", ".csv"}:
        raise click.UsageError("--rejects writes a .xlsx or .csv file")
    deployment = _deployment(store, lang)
    lang = deployment.lang
    try:
        # Read before the store is opened: a refused sheet leaves no new, empty store.
        _say_encoding(sheet_file, encoding, lang)
        with _progress(lambda: estimate_rows(sheet_file), "Reading the sheet") as advance:
            rows = read_dossier_rows(
                sheet_file, adopted_on=adopted_on, workflow=deployment.workflow,
                encoding=encoding, progress=advance,
            )  # fmt: skip
    except SheetRefused as refused:
        _sheet_problems(refused, lang)
    except KetnapError as exc:
        raise click.ClickException(f"{_safe(str(sheet_file))}: {_safe(str(exc))}") from None
    if rows.refused and rejects is None:
        _sheet_problems(SheetRefused(rows.problems), lang)
    with _open(deployment, create=True) as office:
        try:
            done = office.import_rows(rows, update=update, rejects=rejects)
        except SheetRefused as refused:  # updates refused: their acts differ from the store's
            _sheet_problems(refused, lang)
        except AlreadyStored as exc:
            raise click.ClickException(_STORED.render(lang, {"id": exc.dossier_id})) from None
        except KetnapError as exc:
            raise click.ClickException(f"{_safe(str(sheet_file))}: {_safe(str(exc))}") from None
    _echo(_SAVED.render(lang, {"n": done.saved, "store": show_store(str(deployment.store))}))
    if done.updated:
        _echo(_UPDATED.render(lang, {"n": done.updated}))
    if done.rejects is not None:
        _echo(_REJECTED.render(lang, {"n": len(done.refused), "file": str(done.rejects)}))


_STORED = Message(
    vi="{id} đã có trong kho; chưa lưu gì (--update: cập nhật hồ sơ đã lưu theo bảng; "
    "--rejects TỆP: lưu các dòng khác, ghi các dòng không nhập được ra TỆP)",
    en="{id} is already stored; nothing stored (--update updates stored dossiers from the "
    "sheet; --rejects FILE stores the other rows and writes those not imported to FILE)",
)
_UPDATED = Message(vi="trong đó {n:,} hồ sơ đã lưu được cập nhật",
                   en="of which {n:,} stored dossiers updated")  # fmt: skip
_REJECTED = Message(
    vi="{n:,} dòng chưa nhập, đã ghi kèm lý do vào {file}: sửa các ô được nêu rồi nhập lại tệp đó",
    en="{n:,} rows not imported, written with their reasons to {file}: correct the cells "
    "named, then import that file",
)


def _sheet_problems(refused: SheetRefused, lang: Lang) -> NoReturn:
    """Fail with the one problem of a refused sheet, or print every one and their count."""
    if len(refused.problems) == 1:
        (problem,) = refused.problems
        raise click.ClickException(_SHEET_REFUSED_ONE.render(lang, {"problem": problem.text(lang)}))
    for problem in refused.problems:
        _echo(problem.text(lang), err=True)
    raise click.ClickException(_SHEET_REFUSED.render(lang, {"n": len(refused.problems)}))


_SHEET_REFUSED = Message(
    vi="{n:,} chỗ không hợp lệ trong bảng; chưa lưu gì",
    en="{n:,} problems in the sheet; nothing stored",
)
_SHEET_REFUSED_ONE = Message(vi="{problem}; chưa lưu gì", en="{problem}; nothing stored")


@cli.command()
@_STORE
@click.argument("dossier_file", type=_FILE)
@_LANG
def create(store: str | None, dossier_file: Path, lang: Lang | None) -> None:
    """Store a new dossier from a document with its records and no history yet."""
    deployment = _deployment(store, lang)
    dossier = _document(deployment, dossier_file)
    with _open(deployment, create=True) as office:
        try:
            office.create(dossier)
        except AlreadyStored:
            raise click.ClickException(f"{_safe(dossier.id)} is already stored") from None
    _echo(_CREATED.render(deployment.lang, {"id": dossier.id}))


class _ActCommand(click.Command):
    """``ketnap act``, whose help lists the codes of the deployment's steps."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        try:
            process = _deployment().law.process
            heading = "Steps (STEP)"
        except KetnapError:  # a help page never fails: the shipped steps, said so
            process = ADMISSION
            heading = "Steps (STEP) of the shipped process: ketnap.toml could not be read"
        with formatter.section(heading):
            formatter.write_dl([(code, process.text(code, "vi")) for code in process.step_codes])
        super().format_epilog(ctx, formatter)


@cli.command(cls=_ActCommand)
@_STORE
@click.argument("dossier_id")
@click.argument("step")
@click.option("--on", "on", type=DATE, required=True,
              help="date of the act (YYYY-MM-DD or dd/mm/yyyy)")  # fmt: skip
@click.option("--actor", type=click.Choice([a.value for a in Actor]), required=True,
              help="the body that acts")  # fmt: skip
@click.option("--reference", help="the number of the act's document, e.g. 05-NQ/CB")
@click.option("--keep-refusal", is_flag=True,
              help="if refused, keep the refusal on the dossier (counted in reports)")  # fmt: skip
@_LANG
def act(  # noqa: PLR0917 - click passes one argument per option
    store: str | None,
    dossier_id: str,
    step: str,
    on: pendulum.Date,
    actor: str,
    reference: str | None,
    keep_refusal: bool,
    lang: Lang | None,
) -> None:
    """Record an act (STEP) on a stored dossier; a refusal lists every failed rule."""
    deployment = _deployment(store, lang)
    lang = deployment.lang
    with _open(deployment) as office:
        try:
            entry = office.act(
                dossier_id, step, on=on, actor=Actor(actor), reference=reference,
                keep_refusal=keep_refusal,
            )  # fmt: skip
        except TransitionRefused as refused:
            _echo(refused.text(lang))
            if keep_refusal:
                _echo(_REFUSAL_KEPT.render(lang))
            sys.exit(1)
    _echo(f"{dossier_id}: {deployment.law.process.text(entry.target, lang)}")


_REFUSAL_KEPT = Message(vi="Đã lưu lần không được chấp nhận", en="Refusal kept on the dossier")


@cli.command()
@_LANG
def forms(lang: Lang | None) -> None:
    """List the forms ketnap fills (ketnap form CODE ...)."""
    lang = _deployment(lang=lang).lang
    for form in FORMS.values():
        _echo(f"{form.code:<10} {form.title.render(lang)}")


@cli.command()
@_STORE
@click.argument("code")
@click.argument("dossier_id")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="the .docx to write (default: CODE-ID.docx)")  # fmt: skip
@click.option("--place", default=None, help="the place in the date line, e.g. Yên Lạc "
              "(default: office.place in ketnap.toml)")  # fmt: skip
@click.option("--signer", default=None,
              help="the name of the person who signs (default: office.signer)")  # fmt: skip
@click.option("--signer-title", default=None,
              help="their title in the signature block (default: office.signer_title, "
                   "else BÍ THƯ)")  # fmt: skip
@click.option("--on", "on", type=DATE, help="the checklist's date (YYYY-MM-DD or dd/mm/yyyy)")
@click.option("--templates", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="a folder of the deployment's own templates (same file names)")  # fmt: skip
@_LANG
def form(  # noqa: PLR0917 - click passes one argument per option
    store: str | None,
    code: str,
    dossier_id: str,
    out_path: Path | None,
    place: str | None,
    signer: str | None,
    signer_title: str | None,
    on: pendulum.Date | None,
    templates: Path | None,
    lang: Lang | None,
) -> None:
    """Fill form CODE (ketnap forms lists them) from a stored dossier, as a .docx file."""
    try:
        code = find_form(code).code
    except InvalidInput:
        known = ", ".join(FORMS)
        raise click.BadParameter(f"unknown form; known: {known}", param_hint="CODE") from None
    deployment = _deployment(store, lang)
    given = {"place": place, "signer": signer, "signer_title": signer_title}
    signature = attrs.evolve(
        deployment.signature, **{key: value for key, value in given.items() if value is not None}
    )
    with _open(deployment) as office:
        try:
            target = office.form(
                code, dossier_id, out_path, on=on, signature=signature, templates=templates
            )
        except FormRefused as refused:
            raise click.ClickException(refused.text(deployment.lang)) from None
    _echo(str(target))


def _journal_lines(path: Path) -> Iterator[bytes]:
    """The lines of a journal file, each bounded like a document before it is read whole."""
    with _input(path) as file:
        while line := file.readline(LIMITS.document_bytes + 1):
            if len(line) > LIMITS.document_bytes:
                raise click.ClickException(
                    f"{_safe(str(path))}: a line is longer than a dossier document may be "
                    f"({LIMITS.document_bytes:,} bytes)"
                )
            yield line


_APPLIED = Message(
    vi="{acts:,} bước, {records:,} lần ghi hồ sơ; đã lưu {saved:,} hồ sơ",
    en="{acts:,} acts, {records:,} records; {saved:,} dossiers saved",
)
_KEPT_REFUSALS = Message(
    vi="{n:,} bước không được chấp nhận đã lưu vào hồ sơ; bỏ qua {skipped:,} dòng sau đó",
    en="{n:,} refused acts kept on their dossiers; {skipped:,} later lines skipped",
)
_LINE_REFUSED = Message(vi="Dòng {line}: {reason}", en="Line {line}: {reason}")


@cli.command(name="apply")
@_STORE
@click.argument("journal_file", type=_FILE)
@click.option("--keep-refusals", is_flag=True,
              help="keep a refused act on its dossier, skip its later lines, save the rest "
                   "(default: a refused act and nothing is saved)")  # fmt: skip
@_LANG
def apply_command(
    store: str | None, journal_file: Path, keep_refusals: bool, lang: Lang | None
) -> None:
    """Play a journal (JSON Lines of records and acts) onto stored dossiers."""
    deployment = _deployment(store, lang)
    lang = deployment.lang
    lines = _journal_lines(journal_file)
    with (
        _open(deployment) as office,
        _progress(lambda: sum(1 for _ in _journal_lines(journal_file)), "Applying") as advance,
    ):
        try:
            result = office.apply_journal(lines, keep_refusals=keep_refusals, progress=advance)
        except JournalRefused as exc:
            # A refused act is its step's line then one line per failed rule: printed so.
            # Any other reason is one line, whatever the journal put in it.
            reason = exc.refused.text(lang) if exc.refused is not None else _safe(exc.reason)
            raise _Lines(_LINE_REFUSED.render(lang, {"line": exc.line, "reason": reason})) from None
    for line, dossier_id, refused in result.refused:
        _echo(_LINE_REFUSED.render(lang, {"line": line, "reason": f"{_safe(dossier_id)}: "})
              + refused.text(lang))  # fmt: skip
    if result.refused:
        counts = {"n": len(result.refused), "skipped": len(result.skipped)}
        _echo(_KEPT_REFUSALS.render(lang, counts))
    counts = {"acts": result.acts, "records": result.records, "saved": result.saved}
    _echo(_APPLIED.render(lang, counts))


_OTHER_PROBLEMS = Message(
    vi="{n:,} vấn đề khác (sổ lưu, chỉ tiêu, lớp, cây tổ chức)",
    en="{n:,} other problems (journal, quotas, courses, tree)",
)
_ANCHORED = Message(
    vi="Sổ lưu đi qua neo đã ghi", en="The save journal passes through the recorded anchor"
)


@cli.command()
@_STORE
@click.option("--anchor", "anchor", metavar="HEX",
              help="the anchor recorded outside the store (ketnap anchor printed it): the "
                   "save journal must pass through it (default: anchor_file in "
                   "ketnap.toml)")  # fmt: skip
@click.option("--anchor-file", "anchor_file", type=click.Path(dir_okay=False, path_type=Path),
              help="a file holding that anchor")  # fmt: skip
@_LANG
def verify(
    store: str | None, anchor: str | None, anchor_file: Path | None, lang: Lang | None
) -> None:
    """Verify everything stored (seals, histories, the save journal); exit 1 if anything fails."""
    if anchor is not None and anchor_file is not None:
        raise click.UsageError("give --anchor or --anchor-file, not both")
    deployment = _deployment(store, lang)
    lang = deployment.lang
    recorded = deployment.recorded_anchor(anchor, anchor_file=anchor_file)
    with (
        _open(deployment) as office,
        _progress(office.store.count, "Verifying") as advance,
    ):
        found = office.verify(anchor=recorded, progress=advance)
    for problem in found.problems:
        _echo(str(problem))
    counts = {"ok": found.total - found.failed, "total": found.total}
    _echo(_VERIFIED.render(lang, counts))
    others = sum(1 for problem in found.problems if problem.kind != "dossier")
    if others:
        _echo(_OTHER_PROBLEMS.render(lang, {"n": others}))
    elif recorded is not None:
        _echo(_ANCHORED.render(lang))
    if not found.ok:
        sys.exit(1)


@cli.command(name="anchor")
@_STORE
def anchor_command(store: str | None) -> None:
    """Print the save journal's anchor, to record outside the store (for verify --anchor)."""
    with _open(_deployment(store)) as office:
        click.echo(office.anchor())


_MIGRATED = Message(
    vi="Kho đã chuyển từ cấu trúc {before} lên {after}",
    en="Store migrated from layout {before} to {after}",
)
_UP_TO_DATE = Message(
    vi="Kho đã ở cấu trúc của phiên bản này; không có gì để chuyển",
    en="The store is at this ketnap's layout; nothing to migrate",
)
_RESEALED = Message(
    vi="{n:,} hồ sơ đã được kiểm tra theo dấu niêm phong cũ rồi niêm phong lại",
    en="{n:,} dossiers verified against their old seal, then sealed again",
)
_TRUSTED = Message(
    vi="CẢNH BÁO: đã niêm phong mà KHÔNG kiểm tra được (cấu trúc 1 không niêm phong chúng): "
    "{what}. Hãy đối chiếu với sổ sách.",
    en="WARNING: sealed WITHOUT any check (layout 1 never sealed them): {what}. "
    "Check them against your records.",
)
_TRUSTED_KINDS = {
    "quota": Message(vi="{n:,} chỉ tiêu", en="{n:,} quotas"),
    "course": Message(vi="{n:,} lớp bồi dưỡng", en="{n:,} courses"),
    "tree": Message(vi="cây tổ chức", en="the organisation tree"),
}
_NEW_ANCHOR = Message(
    vi="Neo mới của sổ lưu, ghi vào sổ đăng ký: {anchor}",
    en="The save journal's new anchor, to record in the register: {anchor}",
)


@cli.command()
@_STORE
@click.option("--trust-unsealed", is_flag=True,
              help="migrate a layout-1 file: its dossiers are verified against their old "
                   "seals, its quotas, courses and tree sealed unchecked. Only for a file you "
                   "know an old ketnap wrote")  # fmt: skip
@_LANG
def migrate(store: str | None, trust_unsealed: bool, lang: Lang | None) -> None:
    """Bring a store's tables to this ketnap's layout (layout 1 only with --trust-unsealed)."""
    deployment = _deployment(store, lang)
    lang = deployment.lang
    upgrade = deployment.migrate(trust_unsealed=trust_unsealed)
    if upgrade is None:
        _echo(_UP_TO_DATE.render(lang))
        return
    _echo(_MIGRATED.render(lang, {"before": upgrade.before, "after": upgrade.after}))
    if upgrade.before == 1:
        _echo(_RESEALED.render(lang, {"n": upgrade.verified}))
    if upgrade.trusted:
        what = ", ".join(
            _TRUSTED_KINDS[kind].render(lang, {"n": n}) for kind, n in upgrade.trusted.items()
        )
        _echo(_TRUSTED.render(lang, {"what": what}), err=True)
    with _open(deployment) as office:
        _echo(_NEW_ANCHOR.render(lang, {"anchor": office.anchor()}))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        cli.main(args=None if argv is None else list(argv), prog_name="ketnap")
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
