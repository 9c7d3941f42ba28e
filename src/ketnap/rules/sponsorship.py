"""
Sponsor rules: regulation reference B-02, C-01 to C-10.

The helper (người giúp đỡ), the introducers (người giới thiệu) and the Youth
Union or trade-union introduction.
"""

from __future__ import annotations

from collections.abc import Iterator

from ketnap.dates import completed_months
from ketnap.messages import Message
from ketnap.model import MemberStatus, Organization, Sponsor, Step, UnionKind
from ketnap.rules._base import Context, Family, Values, Window, active_sponsors, rule
from ketnap.terms import is_youth, months_text, sponsor_ready_on

__all__ = [
    "active_sponsors",
    "helper_assigned",
    "probation_helper",
    "required_union",
    "sponsor_basis",
    "sponsor_count",
    "sponsor_duration",
    "sponsor_replacement",
    "sponsor_same_unit",
    "sponsors_official",
    "union_introduction",
]


def required_union(context: Context) -> UnionKind | None:
    """
    The union that must introduce the candidate in place of one sponsor, if any.

    Charter Art. 4.1: where a Youth Union organisation exists, a candidate in youth age
    (up to ``youth_age_max_years``, C-10) is a Youth Union member introduced by its
    grassroots executive committee (C-02), and one over youth age is introduced by two
    sponsors (C-01); in an agency or enterprise with no Youth Union organisation, the
    candidate, of any age, is a trade-union member introduced by the grassroots trade
    union's executive committee (C-03).
    """
    dossier = context.dossier
    organization = dossier.organization
    if organization.has_youth_union:
        if is_youth(dossier.candidate.birth_date, context.on, context.policy):
            return UnionKind.YOUTH_UNION
        return None
    if organization.has_trade_union:
        return UnionKind.TRADE_UNION
    return None


_ROUTE = {
    UnionKind.YOUTH_UNION: (
        Message(vi="Người vào Đảng trong độ tuổi thanh niên", en="A candidate of youth age"),
        Message(vi="đoàn viên Đoàn Thanh niên Cộng sản Hồ Chí Minh", en="a Youth Union member"),
    ),
    UnionKind.TRADE_UNION: (
        Message(
            vi="Người vào Đảng ở cơ quan, doanh nghiệp không có tổ chức Đoàn",
            en="A candidate in an agency or enterprise without a Youth Union organisation",
        ),
        Message(vi="đoàn viên công đoàn", en="a trade-union member"),
    ),
}
"""Per union route (C-02, C-03): who takes it, and whose member they must be."""


@rule(
    id="sponsor.helper",
    family=Family.SPONSOR,
    ref="B-02",
    clause="HD 12-HD/BTCTW §I.1.1-1.3",
    message=Message(
        vi="Chưa phân công đảng viên chính thức giúp đỡ người vào Đảng{detail}",
        en="No official member assigned to help the candidate{detail}",
    ),
    steps={Step.ASSIGN_SPONSORS},
)
def helper_assigned(context: Context) -> Values | None:
    """The branch has assigned an official member to help the candidate."""
    helper = context.dossier.helper
    if helper is None:
        return {"detail": ""}
    if helper.is_official_on(context.on):
        return None
    return {
        "detail": Message(
            vi=" ({name} chưa là đảng viên chính thức)", en=" ({name} is not an official member)"
        ).bind(name=helper.name)
    }


@rule(
    id="sponsor.count",
    family=Family.SPONSOR,
    ref="C-01, C-02, C-03",
    clause='Điều lệ Đảng Điều 4.1: "được hai đảng viên chính thức giới thiệu"; "ban chấp '
    'hành đoàn cơ sở và một đảng viên chính thức giới thiệu"; "ban chấp hành công đoàn cơ '
    'sở và một đảng viên chính thức giới thiệu"',
    message=Message(
        vi="Cần {required} đảng viên chính thức giới thiệu{route}, mới có {found}",
        en="Sponsoring official members needed{route}: {required}, found: {found}",
    ),
    steps={Step.ASSIGN_SPONSORS, Step.PROPOSE_ADMISSION},
)
def sponsor_count(context: Context) -> Values | None:
    """
    Two sponsors, or one beside the introduction of the union the candidate's route needs.

    A union's introduction stands for a sponsor only where the Charter gives that union
    the route (`required_union`): a Youth Union resolution for a candidate over youth
    age does not.
    """
    dossier = context.dossier
    union = required_union(context)
    introduction = dossier.union_introduction
    by_union = union is not None and introduction is not None and introduction.kind is union
    required = 1 if by_union else 2
    # Distinct people: a name listed twice (appended after assignment) counts once.
    found = len({sponsor.name for sponsor in active_sponsors(dossier)})
    if found >= required:
        return None
    route = _WITH_UNION.bind(union=union) if by_union else ""
    return {"required": required, "found": found, "route": route}


_WITH_UNION = Message(vi=" cùng {union}", en=" beside the {union}")


_OFFICIAL_LABEL = Message(vi="{name} là đảng viên chính thức", en="{name} is an official member")


def _official_window(context: Context) -> Iterator[Window]:
    for sponsor in active_sponsors(context.dossier):
        official = sponsor.status is MemberStatus.OFFICIAL and sponsor.official_since is not None
        yield Window(
            label=_OFFICIAL_LABEL.bind(name=sponsor.name),
            holds_from=sponsor.official_since if official else None,
            never=not official,
        )


@rule(
    id="sponsor.official",
    family=Family.SPONSOR,
    ref="C-01, C-07",
    clause="Điều lệ Đảng Điều 4.1, 4.2",
    message=Message(
        vi="Người giới thiệu chưa là đảng viên chính thức: {names}",
        en="Sponsor not an official member: {names}",
    ),
    steps={Step.ASSIGN_SPONSORS, Step.PROPOSE_ADMISSION},
    window=_official_window,
)
def sponsors_official(context: Context) -> Values | None:
    """Every sponsor is an official (not probationary) member on the date of the act."""
    names = [s.name for s in active_sponsors(context.dossier) if not s.is_official_on(context.on)]
    return {"names": ", ".join(names)} if names else None


@rule(
    id="sponsor.basis",
    family=Family.SPONSOR,
    ref="C-05, C-05a",
    clause="QĐ 294/232/24 §3.2.1 (QĐ 29 §3.2.1: chỉ cùng công tác, học tập)",
    message=Message(
        vi="Người giới thiệu không cùng công tác, học tập (hoặc sinh hoạt) với người vào Đảng "
        "theo cách quy định này công nhận: {names}",
        en="Sponsor's time alongside is on a basis this regulation does not accept: {names}",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def sponsor_basis(context: Context) -> Values | None:
    """Each sponsor was alongside the candidate on an accepted basis (residence from QĐ 24)."""
    accepted = context.policy.sponsor_bases
    # A replacement (C-08) is spared the 12 months alongside, not the basis.
    wrong = [s for s in active_sponsors(context.dossier) if s.basis not in accepted]
    if not wrong:
        return None
    return {"names": [_NAMED.bind(name=s.name, detail=s.basis) for s in wrong]}


_NAMED = Message(vi="{name} ({detail})", en="{name} ({detail})")


_DURATION_LABEL = Message(
    vi="{name} cùng công tác, sinh hoạt đủ {term}", en="{name} alongside for {term}"
)


def _duration_window(context: Context) -> Iterator[Window]:
    policy = context.policy
    for sponsor in active_sponsors(context.dossier):
        if sponsor.replaces is None:
            yield Window(
                label=_DURATION_LABEL.bind(
                    name=sponsor.name, term=months_text(policy.sponsor_months)
                ),
                holds_from=sponsor_ready_on(sponsor.alongside_since, policy),
            )


@rule(
    id="sponsor.duration",
    family=Family.SPONSOR,
    ref="C-05, C-08",
    clause="Điều lệ Đảng Điều 4.2; QĐ 294/232/24 §3.2.1, §3.2.2",
    message=Message(
        vi="Người giới thiệu chưa cùng công tác, học tập, sinh hoạt với người vào Đảng đủ "
        "{required} tháng: {names}",
        en="Sponsor alongside the candidate for less than {required} months: {names}",
    ),
    steps={Step.PROPOSE_ADMISSION},
    window=_duration_window,
)
def sponsor_duration(context: Context) -> Values | None:
    """
    Each sponsor has been alongside the candidate for 12 months by the branch meeting.

    A sponsor who replaces one who moved or was disciplined is exempt (C-08).
    """
    required = context.policy.sponsor_months
    short = [
        (s.name, completed_months(s.alongside_since, context.on))
        for s in active_sponsors(context.dossier)
        if s.replaces is None and completed_months(s.alongside_since, context.on) < required
    ]
    if not short:
        return None
    return {
        "required": required,
        "names": [_NAMED.bind(name=name, detail=months_text(n)) for name, n in short],
    }


@rule(
    id="sponsor.union",
    family=Family.SPONSOR,
    ref="C-02, C-03, C-04, C-10",
    clause='Điều lệ Đảng Điều 4.1: "được ban chấp hành đoàn cơ sở và một đảng viên chính '
    'thức giới thiệu"; "ban chấp hành công đoàn cơ sở và một đảng viên chính thức giới '
    'thiệu"; QĐ 24 §3.1: "xem xét, ra nghị quyết giới thiệu đoàn viên vào Đảng"',
    message=Message(
        vi="{who} phải là {member} và được {union} ra nghị quyết giới thiệu: {problem}",
        en="{who} must be {member} and be introduced by a resolution of the {union}: {problem}",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def union_introduction(context: Context) -> Values | None:
    """
    The candidate belongs to and is introduced by the union their route needs.

    The Youth Union for a youth-age candidate where it exists; the trade union, at any
    age, in an agency or enterprise without a Youth Union organisation (`required_union`).
    """
    union = required_union(context)
    if union is None:
        return None
    dossier = context.dossier
    candidate = dossier.candidate
    who, member = _ROUTE[union]
    belongs = (
        candidate.youth_union_member
        if union is UnionKind.YOUTH_UNION
        else candidate.trade_union_member
    )
    introduction = dossier.union_introduction
    if not belongs:
        problem = Message(vi="chưa là {member}", en="not {member}").bind(member=member)
    elif introduction is None or introduction.kind is not union:
        problem = Message(vi="chưa có nghị quyết giới thiệu", en="no introduction resolution")
    elif introduction.resolution_on > context.on:
        problem = Message(vi="nghị quyết sau ngày xét", en="resolution dated after the meeting")
    else:
        return None
    return {"who": who, "member": member, "union": union, "problem": problem}


@rule(
    id="sponsor.replacement",
    family=Family.SPONSOR,
    ref="C-08",
    clause="QĐ 24 §3.2.2 (giữ ở các quy định sau)",
    message=Message(
        vi="Người giới thiệu thay thế không thay ai trong hồ sơ: {names}",
        en="Replacement sponsor replaces nobody on the dossier: {names}",
    ),
    steps={Step.ASSIGN_SPONSORS, Step.PROPOSE_ADMISSION},
)
def sponsor_replacement(context: Context) -> Values | None:
    """
    A replacement sponsor replaces a sponsor recorded on the dossier, not themself.

    The waiver of the 12 months alongside covers only one who takes over from a sponsor
    who moved or was disciplined; naming nobody on the dossier is not a replacement.
    """
    names = {s.name for s in context.dossier.sponsors}
    wrong = [
        _NAMED.bind(name=s.name, detail=s.replaces)
        for s in context.dossier.sponsors
        if s.replaces is not None and (s.replaces not in names or s.replaces == s.name)
    ]
    return {"names": wrong} if wrong else None


@rule(
    id="sponsor.same_unit",
    family=Family.SPONSOR,
    ref="C-05",
    clause='QĐ 294/232/24 §3.2.1: "trong cùng một đơn vị thuộc phạm vi lãnh đạo của đảng '
    'bộ, chi bộ cơ sở"',
    message=Message(
        vi="Người giới thiệu không cùng công tác, học tập với người vào Đảng trong một đơn "
        "vị thuộc phạm vi lãnh đạo của đảng bộ, chi bộ cơ sở: {names}",
        en="Sponsor not working or studying with the candidate in a unit under the same "
        "base party organisation: {names}",
    ),
    steps={Step.ASSIGN_SPONSORS, Step.PROPOSE_ADMISSION},
)
def sponsor_same_unit(context: Context) -> Values | None:
    """
    Each sponsor met at work or study is in the candidate's base organisation.

    "trong cùng một đơn vị thuộc phạm vi lãnh đạo của đảng bộ, chi bộ cơ sở": a sponsor
    from another branch under the same base committee qualifies. With both base
    organisations recorded (`Organization.base_code`, `Sponsor.base_organization`)
    they are compared; failing that, the branches (`Organization.code`,
    `Sponsor.branch`), so an unproven other branch is refused; with neither pair
    recorded the branch vouches for the sponsor. Only the bases in
    ``sponsor_unit_bases`` are checked: one who lives alongside the candidate shares
    the residence area, whatever branch their own membership is in.
    """
    organization = context.dossier.organization
    wrong = [
        _NAMED.bind(name=sponsor.name, detail=other)
        for sponsor in active_sponsors(context.dossier)
        if sponsor.basis in context.policy.sponsor_unit_bases
        and (other := _other_unit(organization, sponsor)) is not None
    ]
    return {"names": wrong} if wrong else None


def _other_unit(organization: Organization, sponsor: Sponsor) -> str | None:
    """The sponsor's code that shows another unit: the base organisation's, else the branch's."""
    if organization.base_code is not None and sponsor.base_organization is not None:
        same = sponsor.base_organization == organization.base_code
        return None if same else sponsor.base_organization
    if organization.code is not None and sponsor.branch is not None:
        return None if sponsor.branch == organization.code else sponsor.branch
    return None


@rule(
    id="sponsor.probation_helper",
    family=Family.SPONSOR,
    ref="H-03, I-01, I-03",
    clause="Điều lệ Đảng Điều 5.1; HD 01-HD/TW 2021 §7c",
    message=Message(
        vi="Chưa phân công đảng viên chính thức giúp đỡ đảng viên dự bị{detail}",
        en="No official member assigned to help the probationary member{detail}",
    ),
    steps={Step.PROPOSE_RECOGNITION},
)
def probation_helper(context: Context) -> Values | None:
    """
    An official member was assigned at the ceremony to help the probationary member.

    The branch assigns them at the ceremony (HD 01-2021 §7c); their comments (11-KNĐ)
    are part of the recognition dossier.
    """
    dossier = context.dossier
    helper = dossier.probation_helper
    if helper is None:
        return {"detail": ""}
    assigned = context.process.ceremony_date(dossier) or context.on
    if helper.is_official_on(assigned):
        return None
    return {
        "detail": Message(
            vi=" ({name} chưa là đảng viên chính thức khi được phân công)",
            en=" ({name} was not an official member when assigned)",
        ).bind(name=helper.name)
    }
