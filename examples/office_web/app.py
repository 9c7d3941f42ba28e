"""
An office's web pages over ketnap: its branches, their dossiers, one dossier, an act, a report.

A small Starlette application, server-rendered with Jinja2 (escaped by default), plain
HTML forms and no JavaScript. It shows how to put ketnap inside an application: the
application is built from a `ketnap.Deployment` (ketnap.toml, ``KETNAP_CONFIG``,
``KETNAP_STORE``: the same configuration as the ``ketnap`` command), and every page
calls the office's `ketnap.Application`; nothing here decides anything the library
decides. How to run it: README.md beside this file.

Pages (every one takes the day it is about as ``?on=YYYY-MM-DD``):

- ``/``: the branches of the organisation tree, with their dossiers and what is due;
- ``/branch/{code}``: one branch's dossiers, their stage and what is due;
- ``/dossier/{id}``: one dossier, its papers, history, kept refusals and open steps, and a
  form that records an act (``POST /dossier/{id}/act``);
- ``/report/{unit}/{year}``: ketnap's own report page, as it is.

This is an example, not a product: it has no login and no CSRF protection.
"""

from __future__ import annotations

import argparse
import contextlib
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlencode

import jinja2
import pendulum
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from ketnap import (
    Actor,
    Application,
    Deployment,
    Dossier,
    DossierNotFound,
    DueList,
    InvalidInput,
    KetnapError,
    Lang,
    Law,
    Message,
    Query,
    Refusal,
    StaleDossier,
    TransitionRefused,
)
from ketnap.forms import FormRefused, form_fields
from ketnap.messages import format_date
from ketnap.rules.documents import required_admission_forms

__all__ = ["OfficeWeb", "create_app", "main", "parse_day"]

TEMPLATES: Final = Path(__file__).parent / "templates"
VIETNAM: Final = "Asia/Ho_Chi_Minh"
"""The time zone in which "today" is decided, when a page is not given its day."""

# The page's own words; ketnap gives the rest (stages, steps, bodies, rule messages).
TEXT: Final[Mapping[str, Message]] = {
    "site": Message(vi="Kết nạp đảng viên", en="Party admissions"),
    "branches": Message(vi="Các chi bộ", en="Branches"),
    "branch": Message(vi="Chi bộ", en="Branch"),
    "dossiers": Message(vi="Hồ sơ", en="Dossiers"),
    "dossier": Message(vi="Hồ sơ", en="Dossier"),
    "all_dossiers": Message(
        vi="Chưa có cây tổ chức: tất cả hồ sơ", en="No organisation tree yet: every dossier"
    ),
    "candidate": Message(vi="Người xin vào Đảng", en="Candidate"),
    "stage": Message(vi="Giai đoạn", en="Stage"),
    "day": Message(vi="Ngày xem", en="As of"),
    "show": Message(vi="Xem", en="Show"),
    "due": Message(vi="Sắp đến hạn", en="Due"),
    "overdue": Message(vi="Quá hạn", en="Overdue"),
    "late": Message(vi="Làm muộn", en="Done late"),
    "problems": Message(vi="Không tính được thời hạn", en="Deadlines not computed"),
    "nothing_due": Message(vi="không có việc đến hạn", en="nothing due"),
    "none": Message(vi="Không có.", en="None."),
    "report": Message(vi="Báo cáo năm", en="Report of the year"),
    "checklist": Message(vi="Danh mục giấy tờ", en="Papers checklist"),
    "checklist_note": Message(
        vi="Kiểm tra giấy tờ mà quy định có hiệu lực vào ngày xem yêu cầu (đơn, lý lịch, "
        "giấy giới thiệu, nghị quyết của đoàn thể, tổng hợp nhận xét; sau lễ kết nạp thêm "
        "các mẫu 10–12-KNĐ): có hay thiếu, và đã quá hạn chưa. Chỉ xét ngày ghi trên giấy "
        "tờ, không xét nội dung.",
        en="Checks the papers the regulation in force on the day asks for (application, "
        "background, sponsors' letters, the union's resolution, the summary of opinions; "
        "after the ceremony also forms 10-12-KNĐ): present or missing, and whether stale. "
        "Only the dates recorded are checked, never what the papers say.",
    ),
    "checklist_partial": Message(
        vi="Chi bộ của hồ sơ không có trong cây tổ chức: chỉ xét có hay thiếu ({reason}).",
        en="The dossier's branch is not in the tree: present or missing only ({reason}).",
    ),
    "form": Message(vi="Mẫu", en="Form"),
    "title": Message(vi="Tên giấy tờ", en="Paper"),
    "dated": Message(vi="Ngày", en="Dated"),
    "status": Message(vi="Tình trạng", en="Status"),
    "present": Message(vi="có", en="present"),
    "missing": Message(vi="thiếu", en="missing"),
    "stale": Message(vi="quá hạn", en="stale"),
    "history": Message(vi="Quá trình", en="History"),
    "on": Message(vi="Ngày", en="On"),
    "step": Message(vi="Bước", en="Step"),
    "actor": Message(vi="Cấp thực hiện", en="Body"),
    "from_to": Message(vi="Từ → đến", en="From → to"),
    "reference": Message(vi="Số văn bản", en="Document number"),
    "refusals": Message(vi="Các lần không được chấp nhận", en="Refusals kept"),
    "open_steps": Message(vi="Các bước có thể làm", en="Steps open now"),
    "allowed": Message(vi="được", en="allowed"),
    "refused": Message(vi="chưa được", en="refused"),
    "act": Message(vi="Ghi một bước", en="Record an act"),
    "keep_refusal": Message(
        vi="Nếu không được chấp nhận, vẫn lưu lần này vào hồ sơ",
        en="If refused, keep the refusal on the dossier",
    ),
    "submit": Message(vi="Ghi", en="Record"),
    "refusal": Message(vi="Không được chấp nhận", en="Refused"),
    "refusal_kept": Message(
        vi="Lần không được chấp nhận này đã được lưu vào hồ sơ.",
        en="This refusal was kept on the dossier.",
    ),
    "final": Message(vi="Hồ sơ đã ở giai đoạn cuối.", en="The dossier is at a final stage."),
    "not_found": Message(vi="Không tìm thấy", en="Not found"),
    "bad_request": Message(vi="Yêu cầu không hợp lệ", en="Bad request"),
    "conflict": Message(
        vi="Hồ sơ vừa được người khác lưu; hãy mở lại trang", en="Saved meanwhile; reload"
    ),
    "server_error": Message(vi="Lỗi máy chủ", en="Server error"),
    "back": Message(vi="Về trang đầu", en="Home"),
}

_ISO_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CHECKLIST_STATUS: Final = {"có": "present", "thiếu": "missing", "quá hạn": "stale"}


def parse_day(value: str | None, *, field: str = "on", required: bool = False) -> pendulum.Date:
    """
    The day a page is about, from ``YYYY-MM-DD``; today in Vietnam when not given.

    Raises:
        InvalidInput: *value* is not a day of the calendar written ``YYYY-MM-DD``, or
            is not given though *required* (an act is never dated by the clock).
    """
    if not value:
        if required:
            raise InvalidInput(field, "give the day, written YYYY-MM-DD")
        # ketnap never reads the clock: the web layer decides what "today" is, and only
        # for a page whose reader asked for no particular day.
        return pendulum.today(VIETNAM).date()
    if not _ISO_DAY.fullmatch(value):
        raise InvalidInput(field, "expected a date written YYYY-MM-DD")
    try:
        return pendulum.Date(int(value[:4]), int(value[5:7]), int(value[8:]))
    except ValueError:
        raise InvalidInput(field, f"{value} is not a day of the calendar") from None


def refused_messages(law: Law, refusal: Refusal, lang: Lang) -> list[tuple[str, str]]:
    """
    Each rule of a kept refusal with its message, rendered from the values kept.

    A refusal keeps rule ids and values as text; the message comes from the rule set in
    force on the refusal's day. A rule that set no longer has is shown by its values.
    """
    shown = []
    for refused in refusal.rules:
        try:
            message = law.ruleset_for(refusal.on)[refused.rule_id].message.render(
                lang, refused.values
            )
        except (KetnapError, KeyError, ValueError):
            message = ", ".join(f"{key}: {value}" for key, value in refused.values.items())
        shown.append((refused.rule_id, message))
    return shown


class OfficeWeb:
    """
    The web application of one deployment: its routes, pages and the office it opens.

    Args:
        deployment: where the store, the rules, the language and the office come from.

    The `ketnap.Application` is opened when the server starts (the lifespan) and closed
    when it stops; Starlette runs the pages (plain functions) in its thread pool, and a
    store may be shared by threads.
    """

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.lang: Lang = deployment.lang
        self._application: Application | None = None
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,  # every value a page shows is escaped, whatever its origin
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        environment.globals |= {
            "t": self.text,
            "stage": self.label,
            "step": self.label,
            "actor": self.actor,
            "date": self.date,
        }
        self.templates = Jinja2Templates(env=environment)

    # --- the application's lifetime ------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        """Open the office's application for as long as the server runs."""
        office = self.deployment.open()
        self._application = office
        try:
            yield
        finally:
            self._application = None
            office.close()

    @property
    def office(self) -> Application:
        """The office's application (while the server runs)."""
        if self._application is None:
            raise RuntimeError("the application is not started (run it under its lifespan)")
        return self._application

    def app(self) -> Starlette:
        """The Starlette application."""
        return Starlette(
            routes=[
                Route("/", self.index, name="index"),
                Route("/branch/{code}", self.branch, name="branch"),
                Route("/dossier/{dossier_id:path}/act", self.act, methods=["POST"], name="act"),
                Route("/dossier/{dossier_id:path}", self.dossier, name="dossier"),
                Route("/report/{unit}/{year:int}", self.report, name="report"),
            ],
            exception_handlers={
                DossierNotFound: self.not_found,
                StaleDossier: self.conflict,
                KetnapError: self.bad_request,
                HTTPException: self.http_error,
                Exception: self.server_error,
            },
            lifespan=self.lifespan,
        )

    # --- words, for the templates --------------------------------------------------------------

    def text(self, key: str, **values: object) -> str:
        """One of the page's own words, in the deployment's language."""
        return TEXT[key].render(self.lang, values)

    def label(self, code: str) -> str:
        """A stage's or a step's label, from the process in force."""
        return self.office.law.process.text(code, self.lang)

    def actor(self, actor: Actor | str) -> str:
        """A party body's label."""
        return Actor.parse(actor, field="actor").text(self.lang)

    def date(self, day: pendulum.Date) -> str:
        """A date as the deployment's language writes it."""
        return format_date(day, self.lang)

    def page(
        self, request: Request, template: str, day: pendulum.Date, status: int = 200, **context: Any
    ) -> Response:
        """Render *template* with what every page has."""
        root = request.scope.get("root_path", "")
        return self.templates.TemplateResponse(
            request,
            template,
            {
                "lang": self.lang,
                "day": day.isoformat(),
                "day_text": self.date(day),
                # Where the day picker goes: the page itself (a refused act's page is the
                # dossier's, not the address the form was posted to).
                "here": context.pop("here", None) or request.url.path,
                "home": f"{root}/?{urlencode({'on': day.isoformat()})}",
                "path": lambda *parts: _path(root, parts),
                "link": lambda *parts: f"{_path(root, parts)}?{urlencode({'on': day})}",
                **context,
            },
            status_code=status,
        )

    # --- pages ---------------------------------------------------------------------------------

    def index(self, request: Request) -> Response:
        """The branches of the tree with their counts (every dossier when there is no tree)."""
        day = parse_day(request.query_params.get("on"))
        office = self.office
        store = office.store
        due = _by_code(office.due(on=day))
        if not store.has_tree():
            return self.page(
                request, "index.html", day, tree=None, branches=[],
                dossiers=list(office.dossiers()), due=due,
            )  # fmt: skip
        tree = store.tree()
        branches = [
            (unit, store.count(Query(organization=unit.code)), due.get(unit.code))
            for unit in tree.branches(tree.root.code)
        ]
        return self.page(
            request, "index.html", day, tree=tree, branches=branches, dossiers=[], due=due
        )

    def branch(self, request: Request) -> Response:
        """One branch: its dossiers, their stage and what is due on the day."""
        code = request.path_params["code"]
        day = parse_day(request.query_params.get("on"))
        office = self.office
        store = office.store
        tree = store.tree() if store.has_tree() else None
        unit = tree.unit(code) if tree is not None and code in tree else None
        dossiers = list(office.dossiers(Query(organization=code)))
        if unit is None and not dossiers:
            raise HTTPException(404, f"no branch has code {code!r}")
        feed = office.due(on=day, organization=code)
        return self.page(
            request, "branch.html", day, code=code, name=unit.name if unit else code,
            dossiers=dossiers, due=_by_dossier(feed, self.lang), problems=feed.problems,
        )  # fmt: skip

    def dossier(self, request: Request) -> Response:
        """One dossier, and the form that records an act on it."""
        day = parse_day(request.query_params.get("on"))
        return self._dossier_page(request, request.path_params["dossier_id"], day)

    async def act(self, request: Request) -> Response:
        """
        Record an act; a refusal re-renders the dossier (422) with every failed rule.

        The act is the office's (`ketnap.Application.act`): it checks the rules, records
        the entry and saves the dossier, or refuses and saves nothing unless the refusal
        is to be kept.
        """
        dossier_id = request.path_params["dossier_id"]
        async with request.form(max_files=0, max_fields=16) as data:
            fields = {key: value for key, value in data.items() if isinstance(value, str)}
        day = parse_day(fields.get("on"), required=True)
        step = fields.get("step", "")
        actor = fields.get("actor", "")
        reference = fields.get("reference", "").strip() or None
        keep = fields.get("keep_refusal") == "on"
        try:
            await run_in_threadpool(
                self.office.act, dossier_id, step, on=day, actor=actor,
                reference=reference, keep_refusal=keep,
            )  # fmt: skip
        except TransitionRefused as refused:
            chosen = {"step": step, "actor": actor, "reference": reference or "", "keep": keep}
            return await run_in_threadpool(
                self._dossier_page, request, dossier_id, day,
                status=422, refused=refused, chosen=chosen,
            )  # fmt: skip
        where = _path(request.scope.get("root_path", ""), ("dossier", dossier_id))
        return RedirectResponse(f"{where}?{urlencode({'on': day})}", status_code=303)

    def report(self, request: Request) -> Response:
        """ketnap's report page of a unit for a year, as it is."""
        unit = request.path_params["unit"]
        year: int = request.path_params["year"]
        if not 1 <= year <= 9999:  # ketnap makes a date of it, and a date has four digits
            raise InvalidInput("year", f"{year} is not a year of the calendar")
        given = request.query_params.get("on")
        if given:
            on: pendulum.Date | None = parse_day(given)
        else:
            # Without a day: today for this year's report, else the year's end (ketnap's
            # own default).
            today = parse_day(None)
            on = today if today.year == year else None
        return HTMLResponse(self.office.report_page(unit, year, on=on))

    def _dossier_page(
        self,
        request: Request,
        dossier_id: str,
        day: pendulum.Date,
        *,
        status: int = 200,
        refused: TransitionRefused | None = None,
        chosen: Mapping[str, object] | None = None,
    ) -> Response:
        office = self.office
        dossier = office.dossier(dossier_id)
        steps = office.law.steps_from(dossier.stage)
        first = steps[0] if steps else None
        default_actor = min(first.actors).value if first is not None else Actor.BRANCH.value
        return self.page(
            request,
            "dossier.html",
            day,
            status,
            here=_path(request.scope.get("root_path", ""), ("dossier", dossier.id)),
            dossier=dossier,
            checklist=self._checklist(dossier, day),
            refusals=[
                (refusal, refused_messages(office.law, refusal, self.lang))
                for refusal in dossier.refusals
            ],
            verdicts=office.check(dossier, on=day),
            steps=steps,
            actors=list(Actor),
            refused=refused,
            chosen=chosen or {"step": "", "actor": default_actor, "reference": "", "keep": False},
        )

    def _checklist(self, dossier: Dossier, day: pendulum.Date) -> dict[str, Any]:
        """The papers the regulation asks for, present, missing or stale on *day*."""
        office = self.office
        store = office.store
        tree = store.tree() if store.has_tree() else None
        try:
            # The facts of the checklist form (danh mục hồ sơ) ketnap prints as a .docx.
            facts = form_fields(
                "checklist", dossier, tree=tree, signature=office.signature, on=day, law=office.law
            )
        except FormRefused as refused:
            # Without the branch in the tree the form cannot be made; the list of papers
            # the branch needs can, by the same rule the proposal is checked with.
            forms = required_admission_forms(dossier, office.law.policy_for(day))
            rows = [
                {
                    "form": form,
                    "title": "",
                    "dated": self.date(dossier.documents[form].dated) if form in dossier.documents
                    else "",
                    "status": "present" if form in dossier.documents
                    and dossier.documents[form].dated <= day else "missing",
                }
                for form in sorted(forms)
            ]  # fmt: skip
            return {"rows": rows, "partial": refused.text(self.lang)}
        # The form writes each status as a Vietnamese word; one this page does not know
        # is shown as written.
        rows = [
            {**row, "status": _CHECKLIST_STATUS.get(row["status"], row["status"])}
            for row in facts["rows"]
        ]
        return {"rows": rows, "partial": None}

    # --- errors --------------------------------------------------------------------------------

    def _error(self, request: Request, status: int, heading: str, detail: str) -> Response:
        # An error page must not fail in turn: it reads no store and never shows a traceback.
        day = parse_day(None)
        with contextlib.suppress(KetnapError):
            day = parse_day(request.query_params.get("on"))
        return self.page(request, "error.html", day, status, heading=heading, detail=detail)

    async def not_found(self, request: Request, exc: Exception) -> Response:
        """An unknown dossier: 404."""
        return self._error(request, 404, self.text("not_found"), str(exc))

    async def conflict(self, request: Request, exc: Exception) -> Response:
        """Another writer saved the dossier meanwhile: 409, nothing was saved."""
        return self._error(request, 409, self.text("conflict"), str(exc))

    async def bad_request(self, request: Request, exc: Exception) -> Response:
        """ketnap refused the input (a bad date, an unknown step or unit ...): 400."""
        return self._error(request, 400, self.text("bad_request"), str(exc))

    async def http_error(self, request: Request, exc: Exception) -> Response:
        """Starlette's own errors (no such page, a method not allowed ...)."""
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        heading = self.text("not_found") if status == 404 else self.text("bad_request")
        detail = exc.detail if isinstance(exc, HTTPException) else ""
        return self._error(request, status, heading, detail)

    async def server_error(self, request: Request, _exc: Exception) -> Response:
        """Anything else: 500, with no traceback (the server's log has it)."""
        return self._error(request, 500, self.text("server_error"), "")


def _path(root: str, parts: Iterable[object]) -> str:
    """A page's path, each part quoted (a dossier id may hold any character, even "/")."""
    return root + "".join("/" + quote(str(part), safe="") for part in parts)


def _by_code(feed: DueList) -> dict[str | None, DueList]:
    return {branch.code: part for branch, part in feed.by_organization().items()}


def _by_dossier(feed: DueList, lang: Lang) -> dict[str, dict[str, list[str]]]:
    """What is due, overdue and late for each dossier, as lines of text."""
    lines: dict[str, dict[str, list[str]]] = {}

    def add(kind: str, items: Iterable[tuple[str, str]]) -> None:
        for dossier_id, text in items:
            lines.setdefault(dossier_id, {}).setdefault(kind, []).append(text)

    add("overdue", ((i.deadline.dossier_id, i.text(lang)) for i in feed.overdue))
    add("due", ((i.deadline.dossier_id, i.text(lang)) for i in feed.due))
    add("late", ((i.dossier_id, i.text(lang)) for i in feed.late))
    return lines


def create_app(deployment: Deployment | None = None) -> Starlette:
    """
    The office's web application over *deployment* (by default the configured one).

    The configuration is the ``ketnap`` command's: ``ketnap.toml`` in the working
    directory, or the file ``KETNAP_CONFIG`` names, with ``KETNAP_STORE`` naming the
    store. Nothing is opened until the server starts.

    Raises:
        ConfigError: the configuration is wrong (read now, so a bad file stops the start).
    """
    return OfficeWeb(deployment or Deployment.load()).app()


def main(argv: list[str] | None = None) -> None:
    """Serve the office on this machine only (127.0.0.1)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0].strip())
    parser.add_argument("--config", type=Path, help="a ketnap.toml (default: as ketnap does)")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args(argv)
    uvicorn.run(create_app(Deployment.load(options.config)), host="127.0.0.1", port=options.port)


if __name__ == "__main__":
    main()
