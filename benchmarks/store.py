"""
Save and load N dossiers with eleven history entries each: ketnap's store against a floor.

- ketnap: `SQLiteStore.save_all` and `SQLiteStore.find`: cattrs documents with strict
  types, a seal per row, index columns, and on load full validation and history
  verification.
- floor: the same dossiers through plain `json` and `sqlite3`: a hand-written
  object-to-dict function, ``json.dumps``, ``executemany``; on load ``json.loads`` and
  hand-written construction of the same classes with attrs validators switched off.
  No schema check, no type check, no hashing, no index beyond the id.

Both write one transaction per 10,000 dossiers into a fresh file in WAL mode with
``synchronous=FULL``. Each dossier carries the nine acts of the path under a base
committee (training to party card) and a replacement card, chained as ketnap chains
them; 1,000 templates with meeting dates spread over three years give varied dates.
The shipped process ends at the card, so the replacement is a step of a process derived
from it (`WITH_REPLACEMENT`), which the store checks each history entry against.

    python benchmarks/store.py            # 100,000 dossiers
    python benchmarks/store.py --n 10000  # quicker
    python benchmarks/store.py --store postgresql [--url postgresql://...]

With ``--store postgresql`` both sides use one PostgreSQL server (the one ``--url`` or
$KETNAP_BENCH_POSTGRES_URL names, or a throwaway one): ketnap's `PostgresStore` against
plain psycopg with the same json text in a two-column table, each in a schema of its own.

Times are per dossier, measured in one run; the last line holds the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pendulum
import psycopg
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
    Candidate,
    CertificateKind,
    Kinship,
    LeavingReason,
    Member,
    MemberStatus,
    PoliticalTopic,
    PriorMembership,
    Relation,
    Relative,
    Sponsor,
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


# --- the floor: plain json and sqlite3 --------------------------------------------------------


def _iso(day: pendulum.Date | None) -> str | None:
    return None if day is None else day.isoformat()


def _member(member: Member | None) -> dict[str, Any] | None:
    if member is None:
        return None
    return {
        "name": member.name,
        "status": member.status.value,
        "official_since": _iso(member.official_since),
    }


def plain(dossier: Dossier) -> dict[str, Any]:
    """Hand-written object-to-dict, the same content as ketnap's document."""
    c = dossier.candidate
    prior = c.prior_membership
    union = dossier.union_introduction
    verification = dossier.verification
    return {
        "id": dossier.id,
        "candidate": {
            "name": c.name,
            "birth_date": c.birth_date.isoformat(),
            "education": c.education.value,
            "area": c.area.value,
            "local_role": c.local_role.value,
            "youth_union_member": c.youth_union_member,
            "trade_union_member": c.trade_union_member,
            "over_sixty_grounds": c.over_sixty_grounds,
            "relatives": [
                {"name": r.name, "kinship": r.kinship.value, "party_member": r.party_member}
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
            },
            "citizen_id": c.citizen_id,
        },
        "organization": attrs.asdict(dossier.organization),
        "entered_pool_on": dossier.entered_pool_on.isoformat(),
        "stage": str(dossier.stage),
        "helper": _member(dossier.helper),
        "sponsors": [
            {
                **(_member(s) or {}),
                "alongside_since": s.alongside_since.isoformat(),
                "basis": s.basis.value,
                "replaces": s.replaces,
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
            "topics": sorted(verification.topics),
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
        "history": [
            {
                "on": e.on.isoformat(),
                "step": str(e.step),
                "actor": e.actor.value,
                "source": str(e.source),
                "target": str(e.target),
                "regulation": e.regulation,
                "reference": e.reference,
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


def build(d: dict[str, Any]) -> Dossier:
    """Hand-written dict-to-object, with no checks beyond what the classes' converters do."""
    c = d["candidate"]
    prior = c["prior_membership"]
    helper = d["helper"]
    union = d["union_introduction"]
    verification = d["verification"]
    return Dossier(
        id=d["id"],
        candidate=Candidate(
            name=c["name"],
            birth_date=_day(c["birth_date"]),
            education=c["education"],
            area=c["area"],
            local_role=c["local_role"],
            youth_union_member=c["youth_union_member"],
            trade_union_member=c["trade_union_member"],
            over_sixty_grounds=c["over_sixty_grounds"],
            relatives=[
                Relative(
                    name=r["name"], kinship=Kinship(r["kinship"]), party_member=r["party_member"]
                )
                for r in c["relatives"]
            ],
            prior_membership=None
            if prior is None
            else PriorMembership(
                first_decision_on=_day(prior["first_decision_on"]),
                left_on=_day(prior["left_on"]),
                reason=LeavingReason(prior["reason"]),
                record_cleared_on=_day(prior["record_cleared_on"]),
                readmitted_before=prior["readmitted_before"],
            ),
            citizen_id=c["citizen_id"],
        ),
        organization=Organization(**d["organization"]),
        entered_pool_on=_day(d["entered_pool_on"]),
        stage=d["stage"],
        helper=None
        if helper is None
        else Member(
            name=helper["name"],
            status=MemberStatus(helper["status"]),
            official_since=_day(helper["official_since"]),
        ),
        sponsors=[
            Sponsor(
                name=s["name"],
                status=MemberStatus(s["status"]),
                official_since=_day(s["official_since"]),
                alongside_since=_day(s["alongside_since"]),
                basis=Relation(s["basis"]),
                replaces=s["replaces"],
            )
            for s in d["sponsors"]
        ],
        union_introduction=None
        if union is None
        else UnionIntroduction(
            kind=UnionKind(union["kind"]), resolution_on=_day(union["resolution_on"])
        ),
        certificates=[
            Certificate(
                kind=CertificateKind(x["kind"]), issued_on=_day(x["issued_on"]), issuer=x["issuer"]
            )
            for x in d["certificates"]
        ],
        documents={
            form: Document(form=x["form"], dated=_day(x["dated"]))
            for form, x in d["documents"].items()
        },
        verification=None
        if verification is None
        else Verification(
            concluded_on=_day(verification["concluded_on"]),
            topics=frozenset(PoliticalTopic(t) for t in verification["topics"]),
            verified=verification["verified"],
        ),
        votes=[
            Vote(
                body=Actor(v["body"]),
                purpose=VotePurpose(v["purpose"]),
                held_on=_day(v["held_on"]),
                members_counted=v["members_counted"],
                in_favour=v["in_favour"],
            )
            for v in d["votes"]
        ],
        approvals=[
            Approval(kind=ApprovalKind(a["kind"]), by=Actor(a["by"]), given_on=_day(a["given_on"]))
            for a in d["approvals"]
        ],
        decision_received_on=_day(d["decision_received_on"]),
        card_number=d["card_number"],
        history=[
            HistoryEntry(
                on=_date(e["on"]),
                step=e["step"],
                actor=Actor(e["actor"]),
                source=e["source"],
                target=e["target"],
                regulation=e["regulation"],
                reference=e["reference"],
                previous=e["previous"],
                digest=e["digest"],
            )
            for e in d["history"]
        ],
    )


def floor_save(path: Path, dossiers: Sequence[Dossier]) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE dossiers (id TEXT PRIMARY KEY, document TEXT NOT NULL)")
    for start in range(0, len(dossiers), _BATCH):
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO dossiers (id, document) VALUES (?, ?)",
            (
                (d.id, json.dumps(plain(d), ensure_ascii=False))
                for d in dossiers[start : start + _BATCH]
            ),
        )
        db.execute("COMMIT")
    db.close()


def floor_load(path: Path) -> list[Dossier]:
    db = sqlite3.connect(path)
    with attrs.validators.disabled():
        result = [
            build(json.loads(text))
            for (text,) in db.execute("SELECT document FROM dossiers ORDER BY id")
        ]
    db.close()
    return result


# --- ketnap ------------------------------------------------------------------------------------


def ketnap_save(path: Path, dossiers: Sequence[Dossier]) -> None:
    # The facts a report and a due list read are derived on every save, by the workflow.
    with SQLiteStore(path, process=WITH_REPLACEMENT, facts=facts_for(WORKFLOW.law)) as store:
        for start in range(0, len(dossiers), _BATCH):
            store.save_all(dossiers[start : start + _BATCH])


def ketnap_load(path: Path) -> list[Dossier]:
    with SQLiteStore(path, process=WITH_REPLACEMENT, facts=facts_for(WORKFLOW.law)) as store:
        return list(store.find())


# --- measurement -------------------------------------------------------------------------------


def pg_floor_save(url: str, schema: str, dossiers: Sequence[Dossier]) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        name = sql.Identifier(schema)
        db.execute(sql.SQL("CREATE SCHEMA {}").format(name))
        db.execute(
            sql.SQL(
                "CREATE TABLE {}.dossiers (id TEXT PRIMARY KEY, document TEXT NOT NULL)"
            ).format(name)
        )
        for start in range(0, len(dossiers), _BATCH):
            with db.transaction(), db.cursor() as cursor:
                cursor.executemany(
                    sql.SQL("INSERT INTO {}.dossiers (id, document) VALUES (%s, %s)").format(
                        sql.Identifier(schema)
                    ),
                    [
                        (d.id, json.dumps(plain(d), ensure_ascii=False))
                        for d in dossiers[start : start + _BATCH]
                    ],
                )


def pg_floor_load(url: str, schema: str) -> list[Dossier]:
    with psycopg.connect(url) as db, attrs.validators.disabled():
        return [
            build(json.loads(text))
            for (text,) in db.execute(
                sql.SQL("SELECT document FROM {}.dossiers ORDER BY id").format(
                    sql.Identifier(schema)
                )
            )
        ]


def pg_ketnap_save(url: str, schema: str, dossiers: Sequence[Dossier]) -> None:
    with PostgresStore(url, schema=schema, process=WITH_REPLACEMENT,
                       facts=facts_for(WORKFLOW.law)) as store:  # fmt: skip
        for start in range(0, len(dossiers), _BATCH):
            store.save_all(dossiers[start : start + _BATCH])


def pg_ketnap_load(url: str, schema: str) -> list[Dossier]:
    with PostgresStore(url, schema=schema, process=WITH_REPLACEMENT,
                       facts=facts_for(WORKFLOW.law)) as store:  # fmt: skip
        return list(store.find())


def timed(action: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def same(left: Sequence[Dossier], right: Sequence[Dossier]) -> bool:
    return all(plain(a) == plain(b) for a, b in zip(left, right, strict=True))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--n", type=int, default=100_000, help="dossiers (default 100,000)")
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", help="a PostgreSQL server (default: a throwaway one)")
    args = parser.parse_args(argv)
    n: int = args.n

    shapes = templates(min(n, 1_000))
    dossiers = [clone(shapes[i % len(shapes)], f"HS-{i:07d}") for i in range(n)]
    assert all(len(d.history) == 11 for d in dossiers)

    size: dict[str, int] = {}
    if args.store == "postgresql":
        suffix = uuid.uuid4().hex[:8]
        ours_schema, floor_schema = f"bench_ketnap_{suffix}", f"bench_floor_{suffix}"
        with postgres_url(args.url) as url:
            save = {"floor": timed(lambda: pg_floor_save(url, floor_schema, dossiers))}
            save["ketnap"] = timed(lambda: pg_ketnap_save(url, ours_schema, dossiers))
            loaded: dict[str, list[Dossier]] = {}
            load = {
                "floor": timed(lambda: loaded.setdefault("floor", pg_floor_load(url, floor_schema)))
            }
            load["ketnap"] = timed(
                lambda: loaded.setdefault("ketnap", pg_ketnap_load(url, ours_schema))
            )
            with psycopg.connect(url, autocommit=True) as db:
                for schema in (ours_schema, floor_schema):
                    db.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    else:
        with tempfile.TemporaryDirectory() as folder:
            ours, floor = Path(folder, "ketnap.db"), Path(folder, "floor.db")
            save = {"floor": timed(lambda: floor_save(floor, dossiers))}
            save["ketnap"] = timed(lambda: ketnap_save(ours, dossiers))
            loaded = {}
            load = {"floor": timed(lambda: loaded.setdefault("floor", floor_load(floor)))}
            load["ketnap"] = timed(lambda: loaded.setdefault("ketnap", ketnap_load(ours)))
            size = {
                name: sum(p.stat().st_size for p in Path(folder).glob(f"{name}.db*"))
                for name in ("floor", "ketnap")
            }
    assert same(loaded["ketnap"], dossiers), "ketnap changed a dossier on the round trip"
    assert same(loaded["floor"], dossiers), "the floor changed a dossier on the round trip"

    per = {
        k: {name: v / n * 1e6 for name, v in d.items()} for k, d in (("save", save), ("load", load))
    }
    print(f"{n:,} dossiers, eleven history entries each; µs per dossier, one run:")
    for what in ("save", "load"):
        print(
            f"  {what}: ketnap {per[what]['ketnap']:7.1f}   floor {per[what]['floor']:7.1f}"
            f"   ratio {per[what]['ketnap'] / per[what]['floor']:.2f}"
        )
    if size:
        print(
            f"  file: ketnap {size['ketnap'] / n:7.0f} B  floor {size['floor'] / n:7.0f} B"
            f"   ratio {size['ketnap'] / size['floor']:.2f}"
        )
    print(
        f"save_ratio={per['save']['ketnap'] / per['save']['floor']:.2f} "
        f"load_ratio={per['load']['ketnap'] / per['load']['floor']:.2f}"
    )


if __name__ == "__main__":
    main()
