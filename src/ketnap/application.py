"""
The office's operations (*nghiệp vụ*), each written once, over one store and one workflow.

An `Application` is what every face of ketnap calls: the ``ketnap`` command parses its
options and prints what these methods return, the example web application
(``examples/office_web``) renders it, and an embedding application calls the same
methods. Build one with `ketnap.Deployment.open` (the configured store, rules, language
and office) or directly over a store you opened::

    >>> import pendulum
    >>> from ketnap import Application, Law, SQLiteStore, Workflow
    >>> from ketnap.derived import facts_for
    >>> from ketnap.testing import make_dossier
    >>> workflow = Workflow()
    >>> store = SQLiteStore(":memory:", facts=facts_for(workflow.law))
    >>> with Application(store, workflow) as office:
    ...     created = office.create(make_dossier(meeting=pendulum.date(2024, 3, 12)))
    ...     entry = office.act(created.id, "complete_training", on=pendulum.date(2023, 9, 15),
    ...                        actor="branch")
    ...     office.dossier(created.id).stage
    'trained'

Every operation takes explicit dates; none reads the clock.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Self

import attrs
import pendulum

from ketnap.errors import (
    DossierNotFound,
    InvalidInput,
    KetnapError,
    StaleDossier,
)
from ketnap.forms import Signature, find_form, write_form
from ketnap.journal import JournalResult, apply_journal, read_journal
from ketnap.law import Law
from ketnap.messages import Lang
from ketnap.model import Actor, Dossier, HistoryEntry
from ketnap.organizations import Course, OrganizationTree, Quotas, course_data
from ketnap.page import report_page
from ketnap.process import Transition
from ketnap.reminders import DueList, due_list
from ketnap.reports import Report, last_day_of, report
from ketnap.rules import Failure
from ketnap.rules.refused import TransitionRefused
from ketnap.sheets import (
    RefusedRow,
    SheetRefused,
    SheetRows,
    read_dossier_rows,
    write_dossiers,
    write_rejects,
    write_setup,
)
from ketnap.statistics import NewMembersStatistics, new_members
from ketnap.storage import Query, Store, StoreProblem, dumps
from ketnap.storage.documents import DEFAULT_FORMAT
from ketnap.workflow import Workflow

__all__ = [
    "AlreadyStored",
    "Application",
    "SheetImport",
    "StepVerdict",
    "VerificationReport",
    "check_steps",
    "load_document",
]


# The setup's own files in an export folder, which no dossier's file may replace.
_SETUP_FILES = frozenset({"tree", "quotas", "courses"})
# A file name is at most 255 bytes on most file systems; an id may be 1,000 characters.
_NAME_CHARS = 100


def _file_name(dossier_id: str, taken: set[str]) -> str:
    """
    The name (without ``.json``) of a dossier's file in an export: safe, short, unique.

    Characters other than ASCII letters, digits, ``.``, ``_`` and ``-`` become ``_``; a
    long id is cut, and an id that would then be another's name (or a setup file's, or
    differ from one only in case, as some file systems see it) gets a digest of itself.
    *taken* holds the names given so far (case-folded) and is updated.
    """
    plain = re.sub(r"[^0-9A-Za-z._-]", "_", dossier_id)
    name = plain
    if len(plain) > _NAME_CHARS or plain.casefold() in taken or plain.casefold() in _SETUP_FILES:
        digest = hashlib.sha256(dossier_id.encode()).hexdigest()
        name = f"{plain[:_NAME_CHARS]}-{digest[:16]}"
        if name.casefold() in taken:  # an id spelt like another's digested name
            name = f"{plain[:_NAME_CHARS]}-{digest}"
    taken.add(name.casefold())
    return name


def _counted(
    lines: Iterable[str | bytes], progress: Callable[[int], None]
) -> Iterator[str | bytes]:
    """Yield *lines*, calling ``progress(1)`` once the reader has done with each."""
    for line in lines:
        yield line
        # Reached when the reader asks for the next line: this one is applied.
        progress(1)


class AlreadyStored(KetnapError):
    """
    A dossier with this id is stored already (a new dossier must take a new id).

    Attributes:
        dossier_id: the id.
    """

    def __init__(self, dossier_id: str) -> None:
        self.dossier_id = dossier_id
        super().__init__(f"{dossier_id} is already stored")


@attrs.frozen
class StepVerdict:
    """
    One step open to a dossier on a date, checked for the first body that may take it.

    Attributes:
        row: the process's row (step, source, target, actors).
        actor: the body checked.
        failures: every rule the step would fail; empty when it would pass.
    """

    row: Transition
    actor: Actor
    failures: tuple[Failure, ...]

    @property
    def allowed(self) -> bool:
        """Whether the step would pass."""
        return not self.failures

    def to_data(self, lang: Lang = "vi") -> dict[str, object]:
        """The verdict as plain data (JSON-ready)."""
        return {
            "step": self.row.step,
            "actor": self.actor.value,
            "allowed": self.allowed,
            "failures": [{"rule": f.rule_id, "message": f.message(lang)} for f in self.failures],
        }


def load_document(law: Law, text: str | bytes) -> Dossier:
    """
    Read a dossier document (JSON) by *law*'s process and regulations.

    Raises:
        InvalidDocument: the document is not valid; the error names the field.
    """
    return DEFAULT_FORMAT.loads(text, process=law.process, regulations=law.regulations)


def check_steps(law: Law, dossier: Dossier, *, on: pendulum.Date) -> tuple[StepVerdict, ...]:
    """Every step that leads out of *dossier*'s stage, checked on *on* by the law."""
    return tuple(
        StepVerdict(
            row=row,
            actor=min(row.actors),
            failures=law.check(dossier, row.step, on=on, actor=min(row.actors)),
        )
        for row in law.steps_from(dossier.stage)
    )


@attrs.frozen
class VerificationReport:
    """
    What verifying a store found.

    Attributes:
        total: dossiers stored.
        problems: everything that failed, each with its kind and key.
    """

    total: int
    problems: tuple[StoreProblem, ...]

    @property
    def failed(self) -> int:
        """Dossiers that failed."""
        return len({p.key for p in self.problems if p.kind == "dossier"})

    @property
    def ok(self) -> bool:
        """Whether nothing failed."""
        return not self.problems


@attrs.frozen
class SheetImport:
    """
    What importing a sheet did (`Application.import_sheet`, `Application.import_rows`).

    Attributes:
        saved: dossiers saved, new and updated.
        updated: of those, dossiers stored already that the sheet updated.
        refused: the rows not imported, with their cells and reasons, in the sheet's order.
        rejects: the file they were written to; None when not asked for.
    """

    saved: int
    updated: int = 0
    refused: tuple[RefusedRow, ...] = ()
    rejects: Path | None = None


class Application:
    """
    The office's operations over *store*, by *workflow*'s law.

    Args:
        store: where the dossiers are; opened with this workflow's process, regulations
            and facts function (`ketnap.Deployment.open` does that).
        workflow: the engine and its law (rule sets, process, calendar).
        lang: the language of what the operations write for a person (sheets, forms).
        signature: the place and the signer written on forms.
        templates: a folder of the deployment's own form templates.

    The application owns the store: `close` (or leaving a ``with`` block) closes it.
    """

    def __init__(
        self,
        store: Store,
        workflow: Workflow,
        *,
        lang: Lang = "vi",
        signature: Signature | None = None,
        templates: Path | None = None,
    ) -> None:
        self._store = store
        self._workflow = workflow
        self._lang: Lang = lang
        self._signature = signature or Signature()
        self._templates = templates

    @property
    def store(self) -> Store:
        """The store."""
        return self._store

    @property
    def workflow(self) -> Workflow:
        """The engine and its hooks."""
        return self._workflow

    @property
    def law(self) -> Law:
        """The law in force: rule sets, process, calendar."""
        return self._workflow.law

    @property
    def lang(self) -> Lang:
        """The language of what is written for a person."""
        return self._lang

    @property
    def signature(self) -> Signature:
        """The place and the signer written on forms."""
        return self._signature

    def close(self) -> None:
        """Close the store."""
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- documents -----------------------------------------------------------------------------

    def loads(self, text: str | bytes) -> Dossier:
        """
        Read a dossier document by this office's process and regulations.

        Raises:
            InvalidDocument: the document is not valid; the error names the field.
        """
        return load_document(self.law, text)

    # --- dossiers ------------------------------------------------------------------------------

    def dossier(self, dossier_id: str) -> Dossier:
        """
        Load one dossier.

        Raises:
            DossierNotFound: no such id.
        """
        return self._store.load(dossier_id)

    def dossiers(self, query: Query | None = None) -> Iterator[Dossier]:
        """The dossiers matching *query* (all when None), in id order."""
        return self._store.find(query)

    def create(self, dossier: Dossier) -> Dossier:
        """
        Store a new dossier: its records, no history yet.

        Raises:
            InvalidInput: the dossier has a history (adopt it: `import_dossiers`, or
                `ketnap.Workflow.adopt`).
            AlreadyStored: a dossier with its id is stored.
        """
        if dossier.history:
            raise InvalidInput(
                "history", "the document already has a history: import it, or adopt its acts"
            )
        try:
            self._store.save(dossier)
        except StaleDossier:
            raise AlreadyStored(dossier.id) from None
        return dossier

    def act(
        self,
        dossier_id: str,
        step: str,
        *,
        on: pendulum.Date,
        actor: Actor | str,
        reference: str | None = None,
        keep_refusal: bool = False,
    ) -> HistoryEntry:
        """
        Record *step* on the stored dossier *dossier_id* and save it.

        Returns:
            The history entry recorded.

        Raises:
            TransitionRefused: the rules refused the act; every failed rule is listed.
                With *keep_refusal* the refusal is kept on the dossier and saved (reports
                count it); without it nothing is saved.
            DossierNotFound: no such id.
            StaleDossier: another writer saved the dossier meanwhile; nothing is saved.
        """
        dossier = self._store.load(dossier_id)
        try:
            entry = self._workflow.advance(
                dossier, step, on=on, actor=Actor.parse(actor, field="actor"),
                reference=reference, keep_refusal=keep_refusal,
            )  # fmt: skip
        except TransitionRefused:
            if keep_refusal:
                self._store.save(dossier)
            raise
        self._store.save(dossier)
        return entry

    def apply_journal(
        self,
        lines: Iterable[str | bytes],
        *,
        keep_refusals: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> JournalResult:
        """
        Play a journal (JSON Lines of records and acts, `ketnap.journal`) onto the store.

        Args:
            lines: the journal's lines, read one at a time.
            keep_refusals: keep a refused act on its dossier and skip that dossier's later
                lines, instead of refusing the whole journal.
            progress: called with 1 after each line of *lines* is applied (a blank line
                too), before the dossiers are saved.

        Raises:
            JournalRefused: a line is invalid, names an unknown dossier, or its act is
                refused (without *keep_refusals*); nothing is saved.
        """
        if progress is not None:
            lines = _counted(lines, progress)
        return apply_journal(
            self._store, read_journal(lines), workflow=self._workflow, keep_refusals=keep_refusals
        )

    def import_dossiers(self, dossiers: Iterable[Dossier], *, update: bool = False) -> int:
        """
        Save *dossiers* in one transaction (all or none); return how many.

        With *update*, a dossier already stored is replaced: each copy takes the stored
        revision it replaces, so a writer who saves in between makes the batch stale.

        Raises:
            AlreadyStored: without *update*, a dossier's id is stored already.
            StaleDossier: with *update*, another writer saved one meanwhile.
        """
        store = self._store

        def revised() -> Iterator[Dossier]:
            for dossier in dossiers:
                if update:
                    try:
                        dossier.revision = store.load(dossier.id).revision
                    except DossierNotFound:
                        dossier.revision = 0
                yield dossier

        try:
            return store.save_all(revised())
        except StaleDossier as exc:
            if update:
                raise
            raise AlreadyStored(exc.dossier_id) from None

    def import_sheet(
        self,
        path: Path,
        *,
        adopted_on: pendulum.Date | None = None,
        update: bool = False,
        encoding: str | None = None,
        rejects: Path | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> SheetImport:
        """
        Read an office's sheet (.xlsx or .csv) and save its dossiers (`import_rows`).

        *encoding* is a .csv file's when it has no byte-order mark (`ketnap.sheets.csv_encoding`);
        *progress* is called with 1 after each row is read.

        Raises:
            SheetRefused: without *rejects*, rows have problems; every one is listed and
                nothing is saved. With it too when a row of the file cannot be read at all.
            AlreadyStored: without *update* or *rejects*, a row's id is stored already.
            StaleDossier: with *update*, another writer saved a dossier meanwhile.
            InvalidInput: the file cannot be read as a sheet at all (`ketnap.sheets.read_dossiers`).
        """
        rows = read_dossier_rows(
            path, adopted_on=adopted_on, workflow=self._workflow, encoding=encoding,
            progress=progress,
        )  # fmt: skip
        return self.import_rows(rows, update=update, rejects=rejects)

    def import_rows(
        self, rows: SheetRows, *, update: bool = False, rejects: Path | None = None
    ) -> SheetImport:
        """
        Save the dossiers of a sheet as read (`ketnap.sheets.read_dossier_rows`).

        Without *rejects*, all rows or none: any row refused refuses the sheet. With
        *rejects* (a .xlsx or .csv file), the valid rows are saved and the refused ones
        are written there with their reasons (`ketnap.sheets.write_rejects`), among them
        a row whose id is stored already (without *update*) or whose update is refused;
        corrected, that file imports again. It is written, empty of rows if none was
        refused, only if the dossiers are saved.

        With *update*, a row whose id is stored updates that dossier: the facts the
        sheet's columns carry; its records and history stay, and a row whose acts differ
        from the history is refused (`ketnap.sheets.SheetRows.update`). Optimistic: a
        writer who saves one of these dossiers meanwhile makes the batch stale.

        Raises:
            SheetRefused: without *rejects*, a row is refused; every problem is listed and
                nothing is saved.
            AlreadyStored: without *update* or *rejects*, a row's id is stored already.
            StaleDossier: another writer saved a dossier meanwhile; nothing is saved.
        """
        if rows.refused and rejects is None:
            raise SheetRefused(rows.problems)
        dossiers, refused, updated = self._stored_rows(
            rows, update=update, keep_valid=rejects is not None
        )
        if refused and rejects is None:
            raise SheetRefused([problem for row in refused for problem in row.problems])
        if rejects is None:
            return SheetImport(self._save_rows(dossiers, update=update), updated)
        # Written first, beside the target: a file that cannot be written stops the import
        # before anything is saved, and the target appears only once the rows are.
        partial = rejects.with_name(f".{rejects.stem}.partial{rejects.suffix}")
        try:
            write_rejects(partial, rows, refused, lang=self._lang)
            saved = self._save_rows(dossiers, update=update)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(rejects)
        return SheetImport(saved, updated, tuple(refused), rejects)

    def _stored_rows(
        self, rows: SheetRows, *, update: bool, keep_valid: bool
    ) -> tuple[list[Dossier], list[RefusedRow], int]:
        """The dossiers to save, the rows refused and how many are updates (`import_rows`)."""
        # Without update or a rejects file, a stored id refuses the batch as it saves.
        stored = set(self._store.ids()) if update or keep_valid else set()
        dossiers: list[Dossier] = []
        refused, updated = list(rows.refused), 0
        for index, dossier in enumerate(rows.dossiers):
            if dossier.id not in stored:
                dossiers.append(dossier)
                continue
            found = (
                rows.update(index, self._store.load(dossier.id))
                if update
                else rows.refuse_stored(index)
            )
            if isinstance(found, RefusedRow):
                refused.append(found)
            else:
                dossiers.append(found)
                updated += 1
        refused.sort(key=lambda row: row.row)
        return dossiers, refused, updated

    def _save_rows(self, dossiers: list[Dossier], *, update: bool) -> int:
        """Save a sheet's dossiers in one transaction; a new id stored meanwhile: AlreadyStored."""
        try:
            return self._store.save_all(dossiers)
        except StaleDossier as exc:
            if exc.expected == 0 and not update:
                raise AlreadyStored(exc.dossier_id) from None
            raise

    def export(
        self,
        folder: Path,
        *,
        setup: bool = False,
        sheet: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """
        Write every dossier as a JSON document into *folder*; return how many.

        Args:
            folder: created if missing.
            setup: also write tree.json, quotas.json and courses.json.
            sheet: ``"xlsx"`` or ``"csv"``: also one row per dossier (danh-sach), and with
                *setup* the tree, quotas and courses as sheets.
            progress: called with 1 after each dossier written.
        """
        if sheet not in {None, "xlsx", "csv"}:
            raise InvalidInput("sheet", "expected xlsx or csv")
        store = self._store
        process = self.law.process
        folder.mkdir(parents=True, exist_ok=True)
        if sheet is not None:
            write_dossiers(folder / f"danh-sach.{sheet}", store.find(), process=process)
        written = 0
        taken: set[str] = set()
        for dossier in store.find():
            name = _file_name(dossier.id, taken)
            (folder / f"{name}.json").write_text(dumps(dossier, indent=2), encoding="utf-8")
            written += 1
            if progress is not None:
                progress(1)
        if setup:
            tree = store.tree() if store.has_tree() else None
            if sheet is not None:
                write_setup(
                    folder / "thiet-lap.xlsx" if sheet == "xlsx" else folder,
                    tree=tree, quotas=store.quotas(), courses=store.courses(),
                )  # fmt: skip
            files: dict[str, object] = {
                "quotas.json": store.quotas().to_data(),
                "courses.json": [course_data(c) for c in store.courses()],
            }
            if tree is not None:
                files["tree.json"] = tree.to_data()
            for file_name, data in files.items():
                (folder / file_name).write_text(
                    json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
                )
        return written

    def setup(
        self,
        *,
        tree: OrganizationTree | None = None,
        quotas: Quotas | None = None,
        courses: Iterable[Course] | None = None,
    ) -> None:
        """Keep the organisation tree, the quotas and the courses a report needs."""
        if tree is not None:
            self._store.save_tree(tree)
        if quotas is not None:
            self._store.save_quotas(quotas)
        if courses is not None:
            self._store.save_courses(courses)

    # --- what the office reads -----------------------------------------------------------------

    def report(
        self,
        unit: str,
        year: int,
        *,
        on: pendulum.Date | None = None,
        since: pendulum.Date | None = None,
    ) -> Report:
        """
        A unit's admission report for *year* against its quota, as of *on* (31 December).

        Raises:
            InvalidInput: the unit is not in the tree, or the dates are not of the year.
            StoreError: the store holds no tree.
        """
        store = self._store
        return report(
            store, store.tree(), store.quotas(), unit=unit, year=year,
            on=on or last_day_of(year), since=since, process=self.law.process,
        )  # fmt: skip

    def report_page(
        self, unit: str, year: int, *, on: pendulum.Date | None = None, lang: Lang | None = None
    ) -> str:
        """The report of the year to date as one self-contained HTML page."""
        store = self._store
        return report_page(
            store, store.tree(), store.quotas(), unit=unit, year=year, on=on or last_day_of(year),
            lang=lang or self._lang, law=self.law,
        )  # fmt: skip

    def statistics(
        self, unit: str, *, on: pendulum.Date, since: pendulum.Date | None = None
    ) -> NewMembersStatistics:
        """The statistics of newly admitted members (Biểu số 3-BTCTW) of *unit*."""
        store = self._store
        return new_members(store, store.tree(), unit=unit, on=on, since=since, law=self.law)

    def due(
        self, *, on: pendulum.Date, within: int = 15, organization: str | None = None
    ) -> DueList:
        """
        What is due within *within* working days of *on*, and what is overdue.

        Args:
            on: the day of the list.
            within: the horizon in working days.
            organization: one branch's code (None: every branch).
        """
        law = self.law
        horizon = law.calendar.add_working_days(on, within)
        found = self._store.find(Query(due_by=horizon, organization=organization))
        return due_list(found, on=on, within=within, law=law)

    def check(self, dossier: Dossier | str, *, on: pendulum.Date) -> tuple[StepVerdict, ...]:
        """Every step open to a dossier (or a stored dossier's id) on *on*, with reasons."""
        if isinstance(dossier, str):
            dossier = self._store.load(dossier)
        return check_steps(self.law, dossier, on=on)

    def form(
        self,
        code: str,
        dossier_id: str,
        path: Path | None = None,
        *,
        on: pendulum.Date | None = None,
        signature: Signature | None = None,
        templates: Path | None = None,
    ) -> Path:
        """
        Fill form *code* from a stored dossier as a .docx at *path*; return the path.

        Without *path* the file is ``CODE-ID.docx`` in the working folder, named as an
        export names a dossier's file (other characters replaced, a long id cut).

        Raises:
            FormRefused: facts are missing; every one is named, nothing is written.
        """
        store = self._store
        dossier = store.load(dossier_id)
        tree = store.tree() if store.has_tree() else None
        if path is None:
            plain = f"{find_form(code).code}-{dossier_id}".replace("Đ", "D")
            path = Path(_file_name(plain, set()) + ".docx")
        return write_form(
            code, dossier, path, tree=tree, signature=signature or self._signature, on=on,
            law=self.law, templates=templates or self._templates,
        )  # fmt: skip

    def verify(
        self, *, anchor: str | None = None, progress: Callable[[int], None] | None = None
    ) -> VerificationReport:
        """
        Verify every stored dossier, quota, course, the tree and the journal.

        *anchor*: the journal's head recorded outside the store earlier (`anchor`); the
        journal must pass through it, or a ``journal``/``anchor`` problem says it does not
        (the store was put back to an older copy, or rewritten).
        """
        total = self._store.count()
        problems = self._store.verify(anchor=anchor, progress=progress)
        return VerificationReport(total=total, problems=tuple(problems))

    def anchor(self) -> str:
        """The save journal's head: record it outside the store, for `verify` (*anchor*)."""
        return self._store.anchor()
