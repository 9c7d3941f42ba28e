"""
Two local processes derived from the shipped one, in one program, without editing ketnap.

(a) A commune's Youth Union committee votes on each member it introduces before the
    branch meets: a new stage and a new step between "sponsors assigned" and the branch
    resolution, the branch's proposal re-routed to start from the new stage, a way out
    (withdrawal) from it, and a local rule guarding the new step, added to QĐ 294.
(b) A base branch directly under the district committee (chi bộ cơ sở): no base
    committee above it, so no endorsement stage at all.

One dossier walks through each; an after-hook writes an audit line per step; a refused
step names the rule that failed. Run with
``.venv/bin/python examples/custom_process.py [--lang en]``.
"""

from __future__ import annotations

import argparse

import pendulum

import ketnap
from ketnap import (
    ADMISSION,
    QD_294_2025,
    REGULATIONS,
    Actor,
    Dossier,
    Family,
    Lang,
    Message,
    Organization,
    Process,
    ProcessStage,
    ProcessStep,
    Stage,
    Step,
    StepEvent,
    TamperedHistory,
    Transition,
    TransitionRefused,
    UnionKind,
    Workflow,
)
from ketnap.integrity import verify
from ketnap.rules import Context, Values
from ketnap.testing import lifecycle, make_dossier

# --- (a) a local stage: the Youth Union committee's vote ------------------------------------

ENDORSED_BY_YOUTH = "youth_committee_endorsed"
YOUTH_VOTE = "youth_committee_vote"

YOUTH_UNION_PROCESS: Process = ADMISSION.extend(
    name=Message(
        vi="Quy trình kết nạp có biểu quyết của Ban Chấp hành Đoàn",
        en="Admission with a Youth Union committee vote",
    ),
    stages=[
        ProcessStage(
            ENDORSED_BY_YOUTH,
            Message(
                vi="Ban Chấp hành Đoàn đã biểu quyết giới thiệu",
                en="Endorsed by the Youth Union committee",
            ),
            tags={"pipeline"},
        )
    ],
    steps=[
        ProcessStep(
            YOUTH_VOTE,
            Message(
                vi="Ban Chấp hành Đoàn biểu quyết giới thiệu đoàn viên",
                en="Youth Union committee vote",
            ),
        )
    ],
    transitions=[
        Transition(YOUTH_VOTE, Stage.PREPARED, ENDORSED_BY_YOUTH, {Actor.BRANCH}),
        Transition(Step.PROPOSE_ADMISSION, ENDORSED_BY_YOUTH, Stage.PROPOSED, {Actor.BRANCH}),
        Transition(Step.WITHDRAW, ENDORSED_BY_YOUTH, Stage.WITHDRAWN, {Actor.BRANCH}),
    ],
).without(transitions=[(Stage.PREPARED, Step.PROPOSE_ADMISSION)])


@ketnap.rule(
    id="local.youth_committee_introduction",
    family=Family.VOTE,
    ref="C-02",
    clause="Hướng dẫn của Huyện đoàn (quy định địa phương)",
    message=Message(
        vi="Ban Chấp hành Đoàn chưa thể biểu quyết ngày {on}: {problem}",
        en="The Youth Union committee cannot vote on {on}: {problem}",
    ),
    steps={YOUTH_VOTE},
)
def youth_committee_introduction(context: Context) -> Values | None:
    """The committee votes on a Youth Union member whose introduction is already resolved."""
    dossier = context.dossier
    if not dossier.candidate.youth_union_member:
        problem = Message(vi="người vào Đảng không là đoàn viên", en="not a Youth Union member")
        return {"on": context.on, "problem": problem}
    introduction = dossier.union_introduction
    if introduction is None or introduction.kind is not UnionKind.YOUTH_UNION:
        problem = Message(vi="chưa có nghị quyết giới thiệu của Đoàn", en="no union introduction")
        return {"on": context.on, "problem": problem}
    if introduction.resolution_on > context.on:
        problem = Message(
            vi="nghị quyết giới thiệu của Đoàn đến ngày {day} mới có",
            en="the union's introduction only comes on {day}",
        ).bind(day=introduction.resolution_on)
        return {"on": context.on, "problem": problem}
    return None


LOCAL_294 = QD_294_2025.add(youth_committee_introduction).renamed("294-QĐ/TW+ĐTN")
"""QĐ 294 with the local rule; the older regulations still decide the earlier acts."""

LOCAL_REGULATIONS = [rs for rs in REGULATIONS.values() if rs.code != QD_294_2025.code]
LOCAL_REGULATIONS.append(LOCAL_294)

# --- (b) a base branch under the district committee: no endorsement stages ------------------

BASE_BRANCH_PROCESS: Process = ADMISSION.without(
    stages=[Stage.ENDORSED, Stage.RECOGNITION_ENDORSED],
    name=Message(
        vi="Quy trình kết nạp ở chi bộ cơ sở trực thuộc huyện ủy",
        en="Admission in a base branch under the district committee",
    ),
)

# --- the audit hook: its lines hold codes, for machines rather than readers -------------

AUDIT: list[str] = []
AUDIT_HEAD = Message(
    vi="\nNhật ký (after-hook), một dòng mỗi bước:", en="\nAudit (after-hook), one line per step:"
)


def audit(event: StepEvent) -> None:
    """Append one line per recorded step: what, when, who, under which rules."""
    digest = event.entry.digest[:12] if event.entry else "-"
    AUDIT.append(
        f"{event.on.isoformat()} {event.dossier.id} {event.step}: "
        f"{event.source} -> {event.target} by {event.actor} [{event.regulation}] {digest}"
    )


# --- walking a dossier ------------------------------------------------------------------------

HEADER = Message(
    vi="({part}) {name}\n    {stages} giai đoạn, {steps} bước",
    en="({part}) {name}\n    {stages} stages, {steps} steps",
)
STEP_LINE = Message(
    vi="  {on}  {step}\n              {source} → {target}",
    en="  {on}  {step}\n              {source} → {target}",
)
REFUSED = Message(vi="  không chấp nhận: {rules}", en="  refused: {rules}")
DONE = Message(
    vi="  {id}: {stage}; lịch sử hợp lệ theo quy trình này",
    en="  {id}: {stage}; history verified against this process",
)
NOT_SHIPPED = Message(
    vi="  quy trình gốc (ADMISSION) không nhận lịch sử này: {problem}",
    en="  the shipped process (ADMISSION) rejects this history: {problem}",
)


def header(part: str, process: Process, lang: Lang) -> None:
    values = {"part": part, "name": process.name, "stages": len(process.stages)}
    print(HEADER.render(lang, {**values, "steps": len(process.steps)}))


def show(workflow: Workflow, dossier: Dossier, lang: Lang) -> None:
    """Print the last step of *dossier* in *lang*, with the labels its process gives."""
    process = workflow.law.process
    entry = dossier.history[-1]
    values = {
        "on": entry.on,
        "step": process.text(entry.step, lang),
        "source": process.text(entry.source, lang),
        "target": process.text(entry.target, lang),
    }
    print(STEP_LINE.render(lang, values))


def refused(attempt: TransitionRefused, lang: Lang) -> None:
    """Print a refusal: the rules that failed, each with its message."""
    print(REFUSED.render(lang, {"rules": [f.rule_id for f in attempt.failures]}))
    for failure in attempt.failures:
        print(f"    {failure.text(lang)}")


def finish(workflow: Workflow, dossier: Dossier, lang: Lang) -> None:
    """Verify the history against the workflow's process, and say where the dossier is."""
    process = workflow.law.process
    verify(dossier, process=process, regulations=workflow.law.regulations)
    print(DONE.render(lang, {"id": dossier.id, "stage": process.text(dossier.stage, lang)}))


def youth_union_branch(lang: Lang) -> Dossier:
    workflow = Workflow(LOCAL_REGULATIONS, process=YOUTH_UNION_PROCESS, after=[audit])
    process = workflow.law.process
    header("a", process, lang)
    for code in (ENDORSED_BY_YOUTH, YOUTH_VOTE):
        print(f"    + {code}: {process.text(code, lang)}")
    print(f"    + {youth_committee_introduction.id} ({LOCAL_294.code})")
    print()

    meeting = pendulum.date(2025, 10, 14)
    dossier = make_dossier(meeting=meeting, id="HS-101", name="Nguyễn Thị Hà")
    for step, on, actor in lifecycle(dossier, meeting=meeting, workflow=workflow):
        if step == Step.PROPOSE_ADMISSION:
            # The branch cannot propose straight after the sponsors any more ...
            try:
                workflow.advance(dossier, step, on=on, actor=actor)
            except TransitionRefused as attempt:
                refused(attempt, lang)
            # ... nor can the committee vote before the union has introduced the member.
            try:
                workflow.advance(dossier, YOUTH_VOTE, on=pendulum.date(2025, 9, 9), actor=actor)
            except TransitionRefused as attempt:
                refused(attempt, lang)
            workflow.advance(dossier, YOUTH_VOTE, on=pendulum.date(2025, 10, 7), actor=actor)
            show(workflow, dossier, lang)
        workflow.advance(dossier, step, on=on, actor=actor)
        show(workflow, dossier, lang)
    finish(workflow, dossier, lang)
    try:
        verify(dossier, regulations=workflow.law.regulations)
    except TamperedHistory as problem:
        print(NOT_SHIPPED.render(lang, {"problem": problem}))
    return dossier


def base_branch(lang: Lang) -> Dossier:
    workflow = Workflow(process=BASE_BRANCH_PROCESS, after=[audit])
    process = workflow.law.process
    header("b", process, lang)
    print(f"    - {Stage.ENDORSED}: {Stage.ENDORSED in process.stage_codes}")
    print(f"    - {Step.ENDORSE}: {Step.ENDORSE in process.step_codes}")
    print()

    meeting = pendulum.date(2025, 9, 17)
    school = Organization(name="Chi bộ Trường THPT Yên Lạc", under_base_committee=False)
    dossier = make_dossier(meeting=meeting, id="HS-202", name="Trần Văn Phúc", organization=school)
    for step, on, actor in lifecycle(dossier, meeting=meeting, workflow=workflow):
        workflow.advance(dossier, step, on=on, actor=actor)
        show(workflow, dossier, lang)
    finish(workflow, dossier, lang)
    return dossier


def main() -> None:
    parser = argparse.ArgumentParser(description="Two processes derived from ketnap.ADMISSION.")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="labels (default vi)")
    args = parser.parse_args()
    lang: Lang = args.lang

    youth_union_branch(lang)
    print()
    base_branch(lang)
    print()
    header("ADMISSION, unchanged", ADMISSION, lang)
    print(AUDIT_HEAD.render(lang))
    for line in AUDIT:
        print(f"  {line}")


if __name__ == "__main__":
    main()
