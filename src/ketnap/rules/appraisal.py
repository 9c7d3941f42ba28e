"""
Appraisal rules (thẩm định): a partial committee between the branch and the base committee.

Regulation reference F-05a. A large base committee may have partial committees (đảng ủy
bộ phận) over groups of its branches; where one sits above the branch, it appraises the
branch's resolution and reports to the base committee (7-KNĐ for admission, 14-KNĐ for
recognition), and that report is a paper of the dossier "(nếu có)": only where there is
such a committee. The step (``Step.APPRAISE_ADMISSION``, ``Step.APPRAISE_RECOGNITION``) leaves the
stage as it is.
"""

from __future__ import annotations

from ketnap.messages import Message
from ketnap.model import Dossier, Step
from ketnap.policy import Policy
from ketnap.process import Process
from ketnap.rules._base import Context, Family, Values, rule

__all__ = [
    "appraisal_forms",
    "appraisal_report",
    "appraised_first",
    "under_partial_committee",
]

_CLAUSE = 'HD 12-HD/BTCTW 2022 (hồ sơ): "báo cáo thẩm định của đảng ủy bộ phận (nếu có)"'

# Each appraisal step, the branch resolution it appraises, and the form of its report.
_APPRAISED: dict[str, str] = {
    Step.APPRAISE_ADMISSION: Step.PROPOSE_ADMISSION,
    Step.APPRAISE_RECOGNITION: Step.PROPOSE_RECOGNITION,
}
# The acts of the base committee that consider the resolution, and the appraisal they await.
_AWAITED: dict[str, str] = {
    Step.ENDORSE: Step.APPRAISE_ADMISSION,
    Step.DECIDE_ADMISSION: Step.APPRAISE_ADMISSION,
    Step.ENDORSE_RECOGNITION: Step.APPRAISE_RECOGNITION,
    Step.RECOGNIZE: Step.APPRAISE_RECOGNITION,
}


def _report_form(step: str, policy: Policy) -> str:
    return (
        policy.appraisal_form
        if step == Step.APPRAISE_ADMISSION
        else policy.recognition_appraisal_form
    )


def appraisal_forms(dossier: Dossier, policy: Policy, *, process: Process) -> frozenset[str]:
    """
    The appraisal reports the dossier's papers include by now: none outside a partial committee.

    Once the branch has resolved, the partial committee's report on that resolution: the
    admission appraisal (``appraisal_form``, 7-KNĐ), then the recognition appraisal
    (``recognition_appraisal_form``, 14-KNĐ).
    """
    if not dossier.organization.under_partial_committee:
        return frozenset()
    return frozenset(
        _report_form(appraisal, policy)
        for appraisal, resolution in _APPRAISED.items()
        if dossier.last_act(process.recorded_as(resolution)) is not None
    )


@rule(
    id="authority.partial_committee",
    family=Family.AUTHORITY,
    ref="F-05a",
    clause=_CLAUSE,
    message=Message(
        vi="Chi bộ không trực thuộc đảng ủy bộ phận nào để thẩm định",
        en="The branch sits under no partial committee to appraise its resolution",
    ),
    steps=set(_APPRAISED),
)
def under_partial_committee(context: Context) -> Values | None:
    """Only a branch under a partial committee has its resolution appraised."""
    return None if context.dossier.organization.under_partial_committee else {}


@rule(
    id="dossier.appraisal_report",
    family=Family.DOSSIER,
    ref="F-05a, §5",
    clause=_CLAUSE,
    message=Message(
        vi="Chưa có báo cáo thẩm định ({form}) đề ngày từ {resolution} đến {on}",
        en="No appraisal report ({form}) dated from {resolution} to {on}",
    ),
    steps=set(_APPRAISED),
)
def appraisal_report(context: Context) -> Values | None:
    """
    The partial committee's report is in the dossier, dated between the resolution and the act.

    It appraises the branch's latest resolution, so it cannot be older than that.
    """
    dossier = context.dossier
    resolution = context.last_act(_APPRAISED[context.step])
    form = _report_form(context.step, context.policy)
    document = dossier.documents.get(form)
    start = None if resolution is None else resolution.on
    if document is not None and (start is None or start <= document.dated <= context.on):
        return None
    return {"form": form, "resolution": start or "—", "on": context.on}


@rule(
    id="authority.appraisal_first",
    family=Family.AUTHORITY,
    ref="F-05a",
    clause=_CLAUSE,
    message=Message(
        vi="Đảng ủy bộ phận chưa thẩm định nghị quyết của chi bộ ({step})",
        en="The partial committee has not appraised the branch's resolution ({step})",
    ),
    steps=set(_AWAITED),
)
def appraised_first(context: Context) -> Values | None:
    """
    Under a partial committee, the base committee considers a resolution once appraised.

    The appraisal must come after the branch's latest resolution; a decision taken from
    the endorsement was checked at the endorsement.
    """
    dossier = context.dossier
    if not dossier.organization.under_partial_committee:
        return None
    appraisal = _AWAITED[context.step]
    proposal = _APPRAISED[appraisal]
    for entry in reversed(dossier.history):
        step = context.process.rule_code(entry.step)  # a renamed step, as the rules know it
        if step == appraisal:
            return None
        if step == proposal:
            break
        if step in _AWAITED:
            return None  # an endorsement already waited for the appraisal
    return {"step": context.label(appraisal)}
