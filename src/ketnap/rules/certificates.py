"""Certificate rules: the awareness course (B-03, B-04) and the new-member course (I-03, I-04)."""

from __future__ import annotations

from ketnap.deadlines import certificate_expiry
from ketnap.messages import Message, format_date
from ketnap.model import CertificateKind, Step
from ketnap.rules._base import Context, Family, Values, rule

__all__ = ["awareness_certificate", "awareness_certificate_valid", "new_member_certificate"]

_AWARENESS_CLAUSE = "HD 01-HD/TW 2021 §3; HD 06-HD/TW 2025 §5.4"


@rule(
    id="certificate.awareness",
    family=Family.CERTIFICATE,
    ref="B-03",
    clause=_AWARENESS_CLAUSE,
    message=Message(
        vi="Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng{issuer}",
        en="No Party-awareness course certificate{issuer_en}",
    ),
    steps={Step.COMPLETE_TRAINING},
)
def awareness_certificate(context: Context) -> Values | None:
    """The candidate holds the awareness-course certificate, from an accepted issuer."""
    certificate = context.dossier.latest_certificate(CertificateKind.AWARENESS_COURSE, context.on)
    if certificate is None:
        return {"issuer": "", "issuer_en": ""}
    accepted = context.policy.certificate_issuers
    if accepted and certificate.issuer not in accepted:
        return {
            "issuer": f" do cơ quan có thẩm quyền cấp («{certificate.issuer}» không thuộc số đó)",
            "issuer_en": f" from an accepted issuer ('{certificate.issuer}' is not one)",
        }
    return None


@rule(
    id="certificate.awareness_valid",
    family=Family.CERTIFICATE,
    ref="B-04",
    clause=_AWARENESS_CLAUSE,
    message=Message(
        vi="Khi chi bộ xét, giấy chứng nhận bồi dưỡng nhận thức về Đảng {state}",
        en="When the branch considers, the awareness-course certificate {state_en}",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def awareness_certificate_valid(context: Context) -> Values | None:
    """The certificate is still valid (60 months, the last day included) at the branch meeting."""
    certificate = context.dossier.latest_certificate(CertificateKind.AWARENESS_COURSE, context.on)
    if certificate is None:
        return {"state": "không có", "state_en": "is missing"}
    expires = certificate_expiry(certificate.issued_on, context.policy)
    if context.on <= expires:
        return None
    issued = certificate.issued_on
    return {
        "state": f"cấp ngày {format_date(issued, 'vi')} đã hết hạn ngày "
        f"{format_date(expires, 'vi')}; phải học lại",
        "state_en": f"issued {issued.isoformat()} expired on {expires.isoformat()}; "
        "retake the course",
        "expired_on": expires,
    }


@rule(
    id="certificate.new_member_course",
    family=Family.CERTIFICATE,
    ref="I-03, I-04",
    clause="HD 01-HD/TW 2021 §4.1",
    message=Message(
        vi="Chưa có giấy chứng nhận học lớp lý luận chính trị dành cho đảng viên mới",
        en="No certificate of the new-member political course",
    ),
    steps={Step.PROPOSE_RECOGNITION},
)
def new_member_certificate(context: Context) -> Values | None:
    """A probationary member has the new-member course certificate before recognition."""
    kind = CertificateKind.NEW_MEMBER_COURSE
    return None if context.dossier.latest_certificate(kind, context.on) else {}
