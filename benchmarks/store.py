"""
Save and load N dossiers with eleven history entries each: ketnap's store against a floor.

- ketnap: `SQLiteStore.save_all` and `SQLiteStore.find` (or `PostgresStore`'s): cattrs
  documents with strict types, derived index columns, the events table, a seal per row
  and a journal; on load full validation and history verification.
- floor: the same dossiers through plain `sqlite3` or psycopg into a two-column table
  (id, document): a hand-written object-to-dict function and ``orjson.dumps`` (ketnap
  writes its text with orjson too), sent with ``executemany`` on SQLite and with COPY
  on PostgreSQL, as the store sends its rows; on load ``orjson.loads`` and hand-written
  construction of the same classes with attrs validators switched off. No schema check,
  no type check, no hashing, no index beyond the id.

Why this is the fastest fair floor: it writes the same complete dossier (every record,
the whole chained history) in the same batches, with the same durability, and reads it
back into the same objects, by the quickest means either side has: the fastest JSON
library in the environment, the database's bulk path (COPY), a connection and a file
or schema made before timing, SQLite's page cache as large as the store's. What it
leaves out is what makes ketnap a store rather than a table: the derived columns and
events a report reads, the seals, the journal, the checks on write and read.

Both write one transaction per 10,000 dossiers; on SQLite into a file in WAL mode with
``synchronous=FULL``. Before timing, each side saves every dossier once and loads it
back, and both round trips must give the dossiers back field for field (the loads are
then timed on those stores). The saves are timed in rounds, each into a fresh store
opened before its timing (and closed after), ketnap's and the floor's interleaved;
the best round of each is kept, and the same for the loads.

Each dossier carries the nine acts of the path under a base committee (training to
party card) and a replacement card, chained as ketnap chains them; 1,000 templates with
meeting dates spread over three years give varied dates. The shipped process ends at
the card, so the replacement is a step of a process derived from it
(`WITH_REPLACEMENT`), which the store checks each history entry against.

    python benchmarks/store.py            # 100,000 dossiers
    python benchmarks/store.py --n 10000  # quicker
    python benchmarks/store.py --store postgresql [--url postgresql://...]

With ``--store postgresql`` both sides use one PostgreSQL server (the one ``--url`` or
$KETNAP_BENCH_POSTGRES_URL names, or a throwaway one), each store in a schema of its own.

Times are per dossier; the last line is ``save_ratio=S load_ratio=L`` (with --json,
then one JSON line for each).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import orjson
import pendulum
import psycopg
from _harness import Ratio, add_options, check_equal, emit, interleaved
from _postgres import postgres_url
from psycopg import sql

from ketnap import (
    ADMISSION,
    Certificate,
    Document,
    Dossier,
    HistoryEntry,
    Message,
    Organization,
    ProcessStage,
    ProcessStep,
    Stage,
    Step,
    Transition,
    Workflow,
)
from ketnap.derived import facts_for
from ketnap.model import (
    Actor,
    Approval,
    ApprovalKind,
    AreaKind,
    Candidate,
    CertificateKind,
    EducationLevel,
    GapKind,
    Kinship,
    LateAct,
    LeavingReason,
    LocalRole,
    Member,
    MembershipGap,
    MemberStatus,
    Occupation,
    PoliticalTheory,
    PoliticalTopic,
    PopulationViolation,
    PriorMembership,
    Refusal,
    RefusedRule,
    Relation,
    Relative,
    Remade,
    RemakeReason,
    Sex,
    Sponsor,
    Transfer,
    UnionIntroduction,
    UnionKind,
    Verification,
    Vote,
    VotePurpose,
)
from ketnap.storage import SQLiteStore
from ketnap.storage.postgres import PostgresStore
from ketnap.testing import clone, make_dossier, walk

_BATCH = 10_000


# --- data --------------------------------------------------------------------------------------


CARD_HELD = "card_held"
REPLACE_CARD = "replace_card"

WITH_REPLACEMENT = ADMISSION.extend(
    stages=[
        ProcessStage(
            CARD_HELD, Message(vi="Đã phát thẻ lần đầu", en="First card issued"), tags={"member"}
        )
    ],
    steps=[ProcessStep(REPLACE_CARD, Message(vi="Cấp lại thẻ đảng viên", en="Replace the card"))],
    transitions=[
        # The first card now leads to CARD_HELD; its replacement to the final stage.
        Transition(Step.ISSUE_CARD, Stage.FULL_MEMBER, CARD_HELD, {Actor.COMPETENT_COMMITTEE}),
        Transition(REPLACE_CARD, CARD_HELD, Stage.CARD_ISSUED, {Actor.COMPETENT_COMMITTEE}),
    ],
)
"""The shipped process, with a replacement card after the first one."""

WORKFLOW = Workflow(process=WITH_REPLACEMENT)


def templates(count: int) -> list[Dossier]:
    """Walk *count* dossiers to the card under a base committee, and replace the card."""
    workflow = WORKFLOW
    result = []
    first = pendulum.date(2022, 1, 10)
    for index in range(count):
        organization = Organization(name=f"Chi bộ {index % 263 + 1}", under_base_committee=True)
        meeting = first.add(days=index)
        dossier = make_dossier(meeting=meeting, id="T", organization=organization)
        walk(workflow, dossier, meeting=meeting, until=CARD_HELD)
        last = dossier.history[-1]
        workflow.advance(
            dossier,
            REPLACE_CARD,
            on=last.on.add(days=90),
            actor=last.actor,
            reference="cấp lại thẻ",
        )
        result.append(dossier)
    return result


# --- the floor: a hand-written document, orjson, plain sqlite3 or psycopg ---------------------


def _iso(day: pendulum.Date | None) -> str | None:
    return None if day is None else day.isoformat()


def _member(m: Member | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"name": m.name, "status": m.status.value, "official_since": _iso(m.official_since)}


def _violation(v: PopulationViolation | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {"child_order": v.child_order, "child_born_on": v.child_born_on.isoformat()}


def _organization(o: Organization) -> dict[str, Any]:
    return {
        "name": o.name,
        "code": o.code,
        "base_code": o.base_code,
        "under_base_committee": o.under_base_committee,
        "base_committee_may_admit": o.base_committee_may_admit,
        "has_youth_union": o.has_youth_union,
        "has_trade_union": o.has_trade_union,
        "under_partial_committee": o.under_partial_committee,
    }


def _candidate(c: Candidate) -> dict[str, Any]:
    prior = c.prior_membership
    return {
        "name": c.name,
        "birth_date": c.birth_date.isoformat(),
        "education": c.education.value,
        "area": c.area.value,
        "local_role": c.local_role.value,
        "youth_union_member": c.youth_union_member,
        "trade_union_member": c.trade_union_member,
        "over_sixty_grounds": c.over_sixty_grounds,
        "relatives": [
            {
                "name": r.name,
                "kinship": r.kinship.value,
                "party_member": r.party_member,
                "full_capacity": r.full_capacity,
            }
            for r in c.relatives
        ],
        "prior_membership": None
        if prior is None
        else {
            "first_decision_on": prior.first_decision_on.isoformat(),
            "left_on": prior.left_on.isoformat(),
            "reason": prior.reason.value,
            "record_cleared_on": _iso(prior.record_cleared_on),
            "readmitted_before": prior.readmitted_before,
            "population_violation": _violation(prior.population_violation),
        },
        "population_violations": [_violation(v) for v in c.population_violations],
        "citizen_id": c.citizen_id,
        "sex": None if c.sex is None else c.sex.value,
        "ethnic_minority": c.ethnic_minority,
        "religious": c.religious,
        "political_theory": None if c.political_theory is None else c.political_theory.value,
        "occupation": None if c.occupation is None else c.occupation.value,
    }


def plain(dossier: Dossier) -> dict[str, Any]:
    """Hand-written object-to-dict: every field of the dossier and of its records."""
    union = dossier.union_introduction
    verification = dossier.verification
    remade = dossier.remade
    return {
        "id": dossier.id,
        "candidate": _candidate(dossier.candidate),
        "organization": _organization(dossier.organization),
        "entered_pool_on": dossier.entered_pool_on.isoformat(),
        "stage": str(dossier.stage),
        "helper": _member(dossier.helper),
        "probation_helper": _member(dossier.probation_helper),
        "sponsors": [
            {
                "name": s.name,
                "status": s.status.value,
                "official_since": _iso(s.official_since),
                "alongside_since": s.alongside_since.isoformat(),
                "basis": s.basis.value,
                "replaces": s.replaces,
                "branch": s.branch,
                "base_organization": s.base_organization,
                "letter_dated": _iso(s.letter_dated),
            }
            for s in dossier.sponsors
        ],
        "union_introduction": None
        if union is None
        else {"kind": union.kind.value, "resolution_on": union.resolution_on.isoformat()},
        "certificates": [
            {"kind": x.kind.value, "issued_on": x.issued_on.isoformat(), "issuer": x.issuer}
            for x in dossier.certificates
        ],
        "documents": {
            form: {"form": d.form, "dated": d.dated.isoformat()}
            for form, d in dossier.documents.items()
        },
        "verification": None
        if verification is None
        else {
            "concluded_on": verification.concluded_on.isoformat(),
            "topics": sorted(t.value for t in verification.topics),
            "verified": sorted(verification.verified),
        },
        "votes": [
            {
                "body": v.body.value,
                "purpose": v.purpose.value,
                "held_on": v.held_on.isoformat(),
                "members_counted": v.members_counted,
                "in_favour": v.in_favour,
            }
            for v in dossier.votes
        ],
        "approvals": [
            {"kind": a.kind.value, "by": a.by.value, "given_on": a.given_on.isoformat()}
            for a in dossier.approvals
        ],
        "decision_received_on": _iso(dossier.decision_received_on),
        "card_number": dossier.card_number,
        "late_acts": [
            {
                "step": str(x.step),
                "on": x.on.isoformat(),
                "due": x.due.isoformat(),
                "answerable": x.answerable.value,
                "rule_id": x.rule_id,
            }
            for x in dossier.late_acts
        ],
        "refusals": [
            {
                "on": r.on.isoformat(),
                "step": str(r.step),
                "actor": r.actor.value,
                "rules": [{"rule_id": x.rule_id, "values": dict(x.values)} for x in r.rules],
            }
            for r in dossier.refusals
        ],
        "membership_gaps": [
            {"kind": g.kind.value, "start": g.start.isoformat(), "end": _iso(g.end)}
            for g in dossier.membership_gaps
        ],
        "transfers": [
            {
                "on": t.on.isoformat(),
                "from_branch": _organization(t.from_branch),
                "to_branch": _organization(t.to_branch),
                "reference": t.reference,
                "comments_on": _iso(t.comments_on),
            }
            for t in dossier.transfers
        ],
        "remade": None
        if remade is None
        else {
            "on": remade.on.isoformat(),
            "reason": remade.reason.value,
            "confirmed_by": remade.confirmed_by.value,
            "reference": remade.reference,
        },
        "history": [
            {
                "on": e.on.isoformat(),
                "step": str(e.step),
                "actor": e.actor.value,
                "source": str(e.source),
                "target": str(e.target),
                "regulation": e.regulation,
                "reference": e.reference,
                "adopted_on": _iso(e.adopted_on),
                "attested": list(e.attested),
                "previous": e.previous,
                "digest": e.digest,
            }
            for e in dossier.history
        ],
    }


def _date(text: str) -> pendulum.Date:
    parsed = dt.date.fromisoformat(text)
    return pendulum.Date(parsed.year, parsed.month, parsed.day)


def _day(text: str | None) -> pendulum.Date | None:
    return None if text is None else _date(text)


def _to_member(m: dict[str, Any] | None) -> Member | None:
    if m is None:
        return None
    return Member(
        name=m["name"], status=MemberStatus(m["status"]), official_since=_day(m["official_since"])
    )


def _to_violation(v: dict[str, Any] | None) -> PopulationViolation | None:
    if v is None:
        return None
    return PopulationViolation(
        child_order=v["child_order"], child_born_on=_date(v["child_born_on"])
    )


def _to_candidate(c: dict[str, Any]) -> Candidate:
    prior = c["prior_membership"]
    return Candidate(
        name=c["name"],
        birth_date=_date(c["birth_date"]),
        education=EducationLevel(c["education"]),
        area=AreaKind(c["area"]),
        local_role=LocalRole(c["local_role"]),
        youth_union_member=c["youth_union_member"],
        trade_union_member=c["trade_union_member"],
        over_sixty_grounds=c["over_sixty_grounds"],
        relatives=tuple(
            Relative(
                name=r["name"],
                kinship=Kinship(r["kinship"]),
                party_member=r["party_member"],
                full_capacity=r["full_capacity"],
            )
            for r in c["relatives"]
        ),
        prior_membership=None
        if prior is None
        else PriorMembership(
            first_decision_on=_date(prior["first_decision_on"]),
            left_on=_date(prior["left_on"]),
            reason=LeavingReason(prior["reason"]),
            record_cleared_on=_day(prior["record_cleared_on"]),
            readmitted_before=prior["readmitted_before"],
            population_violation=_to_violation(prior["population_violation"]),
        ),
        population_violations=tuple(
            v for v in map(_to_violation, c["population_violations"]) if v is not None
        ),
        citizen_id=c["citizen_id"],
        sex=None if c["sex"] is None else Sex(c["sex"]),
        ethnic_minority=c["ethnic_minority"],
        religious=c["religious"],
        political_theory=None
        if c["political_theory"] is None
        else PoliticalTheory(c["political_theory"]),
        occupation=None if c["occupation"] is None else Occupation(c["occupation"]),
    )


def build(d: dict[str, Any]) -> Dossier:
    """Hand-written dict-to-object, with no checks beyond what the classes' converters do."""
    union = d["union_introduction"]
    verification = d["verification"]
    remade = d["remade"]
    return Dossier(
        id=d["id"],
        candidate=_to_candidate(d["candidate"]),
        organization=Organization(**d["organization"]),
        entered_pool_on=_date(d["entered_pool_on"]),
        stage=d["stage"],
        helper=_to_member(d["helper"]),
        probation_helper=_to_member(d["probation_helper"]),
        sponsors=[
            Sponsor(
                name=s["name"],
                status=MemberStatus(s["status"]),
                official_since=_day(s["official_since"]),
                alongside_since=_date(s["alongside_since"]),
                basis=Relation(s["basis"]),
                replaces=s["replaces"],
                branch=s["branch"],
                base_organization=s["base_organization"],
                letter_dated=_day(s["letter_dated"]),
            )
            for s in d["sponsors"]
        ],
        union_introduction=None
        if union is None
        else UnionIntroduction(
            kind=UnionKind(union["kind"]), resolution_on=_date(union["resolution_on"])
        ),
        certificates=[
            Certificate(
                kind=CertificateKind(x["kind"]), issued_on=_date(x["issued_on"]), issuer=x["issuer"]
            )
            for x in d["certificates"]
        ],
        documents={
            form: Document(form=x["form"], dated=_date(x["dated"]))
            for form, x in d["documents"].items()
        },
        verification=None
        if verification is None
        else Verification(
            concluded_on=_date(verification["concluded_on"]),
            topics=frozenset(PoliticalTopic(t) for t in verification["topics"]),
            verified=frozenset(verification["verified"]),
        ),
        votes=[
            Vote(
                body=Actor(v["body"]),
                purpose=VotePurpose(v["purpose"]),
                held_on=_date(v["held_on"]),
                members_counted=v["members_counted"],
                in_favour=v["in_favour"],
            )
            for v in d["votes"]
        ],
        approvals=[
            Approval(kind=ApprovalKind(a["kind"]), by=Actor(a["by"]), given_on=_date(a["given_on"]))
            for a in d["approvals"]
        ],
        decision_received_on=_day(d["decision_received_on"]),
        card_number=d["card_number"],
        late_acts=[
            LateAct(
                step=x["step"],
                on=_date(x["on"]),
                due=_date(x["due"]),
                answerable=Actor(x["answerable"]),
                rule_id=x["rule_id"],
            )
            for x in d["late_acts"]
        ],
        refusals=[
            Refusal(
                on=_date(r["on"]),
                step=r["step"],
                actor=Actor(r["actor"]),
                rules=tuple(
                    RefusedRule(rule_id=x["rule_id"], values=x["values"]) for x in r["rules"]
                ),
            )
            for r in d["refusals"]
        ],
        membership_gaps=[
            MembershipGap(kind=GapKind(g["kind"]), start=_date(g["start"]), end=_day(g["end"]))
            for g in d["membership_gaps"]
        ],
        transfers=[
            Transfer(
                on=_date(t["on"]),
                from_branch=Organization(**t["from_branch"]),
                to_branch=Organization(**t["to_branch"]),
                reference=t["reference"],
                comments_on=_day(t["comments_on"]),
            )
            for t in d["transfers"]
        ],
        remade=None
        if remade is None
        else Remade(
            on=_date(remade["on"]),
            reason=RemakeReason(remade["reason"]),
            confirmed_by=Actor(remade["confirmed_by"]),
            reference=remade["reference"],
        ),
        history=[
            HistoryEntry(
                on=_date(e["on"]),
                step=e["step"],
                actor=Actor(e["actor"]),
                source=e["source"],
                target=e["target"],
                regulation=e["regulation"],
                reference=e["reference"],
                adopted_on=_day(e["adopted_on"]),
                attested=tuple(e["attested"]),
                previous=e["previous"],
                digest=e["digest"],
            )
            for e in d["history"]
        ],
    )


# The floor's table: the id and the document, nothing else.
_FLOOR_TABLE = "CREATE TABLE dossiers (id TEXT PRIMARY KEY, document TEXT NOT NULL)"


def floor_open_sqlite(path: Path) -> sqlite3.Connection:
    """The floor's file, made and opened before timing with the store's settings."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA cache_size=-65536")
    db.execute("CREATE TABLE IF NOT EXISTS dossiers (id TEXT PRIMARY KEY, document TEXT NOT NULL)")
    return db


def floor_save_sqlite(db: sqlite3.Connection, dossiers: Sequence[Dossier]) -> None:
    for start in range(0, len(dossiers), _BATCH):
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO dossiers (id, document) VALUES (?, ?)",
            ((d.id, orjson.dumps(plain(d)).decode()) for d in dossiers[start : start + _BATCH]),
        )
        db.execute("COMMIT")


def floor_save_postgres(db: psycopg.Connection[Any], dossiers: Sequence[Dossier]) -> None:
    # COPY, as the store sends its rows: one stream a batch, made while it is sent.
    for start in range(0, len(dossiers), _BATCH):
        with (
            db.transaction(),
            db.cursor() as cursor,
            cursor.copy("COPY dossiers (id, document) FROM STDIN") as copy,
        ):
            for d in dossiers[start : start + _BATCH]:
                copy.write_row((d.id, orjson.dumps(plain(d)).decode()))


def floor_load(db: Any) -> list[Dossier]:  # noqa: ANN401 - a sqlite3 or psycopg connection
    with attrs.validators.disabled():
        return [
            build(orjson.loads(text))
            for (text,) in db.execute("SELECT document FROM dossiers ORDER BY id").fetchall()
        ]


# --- measurement -------------------------------------------------------------------------------


def _store_options() -> dict[str, Any]:
    # The facts a report and a due list read are derived on every save, by the workflow.
    return {"process": WITH_REPLACEMENT, "facts": facts_for(WORKFLOW.law)}


class Sides:
    """Where each side saves and loads: fresh stores per save round, one store to load."""

    def __init__(self, kind: str, where: str) -> None:
        self.kind, self.where = kind, where
        self.opened: dict[str, Any] = {}
        self.rounds = 0

    def _name(self, side: str, label: str) -> str:
        return f"{side}_{label}"

    def open(self, side: str, label: str) -> Any:  # noqa: ANN401 - a store or a connection
        """Open (making it) *side*'s store named *label*."""
        name = self._name(side, label)
        if self.kind == "sqlite":
            path = Path(self.where, f"{name}.db")
            if side == "ketnap":
                return SQLiteStore(path, **_store_options())
            return floor_open_sqlite(path)
        schema = f"{name}_{uuid.uuid4().hex[:8]}"
        self.opened[name] = schema
        if side == "ketnap":
            return PostgresStore(self.where, schema=schema, **_store_options())
        db = psycopg.connect(self.where, autocommit=True)
        db.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        db.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        db.execute(_FLOOR_TABLE)
        return db

    def drop(self, side: str, label: str) -> None:
        """Remove *side*'s store named *label*."""
        name = self._name(side, label)
        if self.kind == "sqlite":
            for path in Path(self.where).glob(f"{name}.db*"):
                path.unlink()
            return
        with psycopg.connect(self.where, autocommit=True) as db:
            schema = sql.Identifier(self.opened.pop(name))
            db.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(schema))

    def size(self, side: str, label: str) -> int:
        """The bytes of *side*'s SQLite file named *label*, its WAL included."""
        name = self._name(side, label)
        return sum(p.stat().st_size for p in Path(self.where).glob(f"{name}.db*"))


def save(side: str, target: Any, dossiers: Sequence[Dossier]) -> None:  # noqa: ANN401
    if side == "ketnap":
        for start in range(0, len(dossiers), _BATCH):
            target.save_all(dossiers[start : start + _BATCH])
    elif isinstance(target, sqlite3.Connection):
        floor_save_sqlite(target, dossiers)
    else:
        floor_save_postgres(target, dossiers)


def load(side: str, source: Any) -> list[Dossier]:  # noqa: ANN401
    return list(source.find()) if side == "ketnap" else floor_load(source)


def measure(
    kind: str, where: str, shapes: Sequence[Dossier], n: int, rounds: int
) -> dict[str, Any]:
    """Check both sides' round trips, then time saves and loads, interleaved."""

    def made() -> list[Dossier]:
        # A store marks what it saved (the revision): each save gets dossiers never saved.
        return [clone(shapes[i % len(shapes)], f"HS-{i:07d}") for i in range(n)]

    expected = made()
    sides = Sides(kind, where)
    # Before timing: each side saves everything once and loads it back; both must give
    # the dossiers back field for field. These stores are the ones the loads read.
    loading = {side: sides.open(side, "load") for side in ("ketnap", "floor")}
    for side, opened in loading.items():
        save(side, opened, made())
        check_equal(
            expected,
            load(side, opened),
            what=f"{side}'s round trip",
            ignore={"revision"},
            names=("saved", "loaded"),
        )
    result: dict[str, Any] = {}
    # Saves: each round into a fresh store, opened before and closed after the timing.
    fresh: dict[str, Any] = {}

    def before(side: str) -> None:
        fresh[side] = (sides.open(side, "save"), made())

    def after(side: str) -> None:
        fresh.pop(side)[0].close()
        sides.drop(side, "save")

    def saving(side: str) -> Callable[[], None]:
        return lambda: save(side, *fresh[side])

    def loading_all(side: str) -> Callable[[], list[Dossier]]:
        return lambda: load(side, loading[side])

    result["save"] = interleaved(
        {side: saving(side) for side in loading},
        rounds,
        before=before,
        after=after,
    )
    result["load"] = interleaved({side: loading_all(side) for side in loading}, rounds)
    for opened in loading.values():
        opened.close()
    if kind == "sqlite":  # closed: the WAL is checkpointed into the file and removed
        result["size"] = {side: sides.size(side, "load") for side in loading}
    for side in loading:
        sides.drop(side, "load")
    return result


FLOOR = {
    "save": "plain {driver} on a connection opened beforehand: a hand-written dict of every"
    " field, orjson, {how}, the same batches and durability; no derived column, seal or check",
    "load": "the same text read back with plain {driver} on a connection opened beforehand:"
    " orjson and hand-written construction, attrs validators off; no check",
}
TARGETS = {("save", "postgresql"): 2.0}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--n", type=int, default=100_000, help="dossiers (default 100,000)")
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", help="a PostgreSQL server (default: a throwaway one)")
    add_options(parser)
    args = parser.parse_args(argv)
    n: int = args.n

    shapes = templates(min(n, 1_000))
    assert all(len(d.history) == 11 for d in shapes)

    if args.store == "postgresql":
        with postgres_url(args.url) as url:
            result = measure("postgresql", url, shapes, n, args.rounds)
    else:
        with tempfile.TemporaryDirectory() as folder:
            result = measure("sqlite", folder, shapes, n, args.rounds)

    per = {
        what: {side: t / n * 1e6 for side, t in result[what].items()} for what in ("save", "load")
    }
    ratio = {what: per[what]["ketnap"] / per[what]["floor"] for what in per}
    print(f"{n:,} dossiers, eleven history entries each ({args.store}); µs per dossier,"
          f" best of {args.rounds}; both round trips equal field for field:")  # fmt: skip
    for what in ("save", "load"):
        print(
            f"  {what}: ketnap {per[what]['ketnap']:7.1f}   floor {per[what]['floor']:7.1f}"
            f"   ratio {ratio[what]:.2f}"
        )
    size = result.get("size")
    if size:
        print(
            f"  file: ketnap {size['ketnap'] / n:7.0f} B  floor {size['floor'] / n:7.0f} B"
            f"   ratio {size['ketnap'] / size['floor']:.2f}"
        )
    how = "COPY" if args.store == "postgresql" else "executemany"
    driver = "psycopg" if args.store == "postgresql" else "sqlite3"
    emit(
        f"save_ratio={ratio['save']:.2f} load_ratio={ratio['load']:.2f}",
        [
            Ratio(
                f"store {what} ({args.store})",
                FLOOR[what].format(how=how, driver=driver),
                ratio[what],
                n,
                TARGETS.get((what, args.store)),
            )
            for what in ("save", "load")
        ],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
