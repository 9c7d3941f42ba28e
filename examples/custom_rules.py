"""
Extend a shipped rule set in code, without editing ketnap.

A provincial agencies' party committee (A-10, local criteria) wants, on top of
QĐ 294-QĐ/TW: a civil servant rated at least "good" the previous year (a rule
added), two years on the sympathiser list and no union route over 28 (policy
values), a stricter reading of "18 by month" (a rule replaced), and no card-number
check, since its cards are numbered by the new database (a rule removed).
Run with ``.venv/bin/python examples/custom_rules.py``.
"""

from __future__ import annotations

import pendulum

from ketnap import (
    QD_294_2025,
    Actor,
    Family,
    Message,
    Stage,
    Step,
    Workflow,
    add_months,
    rule,
)
from ketnap.rules import Context, Values
from ketnap.testing import add_vote, make_dossier, walk

# Ratings would come from the application's own records.
RATINGS = {"HS-042": "hoàn thành nhiệm vụ"}


@rule(
    id="dossier.local_rating",
    family=Family.DOSSIER,
    ref="A-10",
    clause="Hướng dẫn của Đảng ủy Khối cơ quan tỉnh (tiêu chí địa phương)",
    message=Message(
        vi="Xếp loại năm trước «{rating}», cần từ «hoàn thành tốt nhiệm vụ» trở lên",
        en="Last year's rating '{rating}'; at least 'good' is required",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def local_rating(context: Context) -> Values | None:
    """A civil servant was rated at least 'good' in the previous year (local criterion)."""
    rating = RATINGS.get(context.dossier.id, "hoàn thành tốt nhiệm vụ")
    good = {"hoàn thành tốt nhiệm vụ", "hoàn thành xuất sắc nhiệm vụ"}
    return None if rating in good else {"rating": rating}


@rule(
    id="age.minimum",
    family=Family.AGE,
    ref="A-01",
    clause="Điều lệ Đảng Điều 1.2; cách hiểu của Đảng ủy Khối: đủ 18 tuổi tính đến ngày sinh",
    message=Message(
        vi="Chưa đến ngày sinh nhật thứ 18 khi chi bộ xét",
        en="Not yet 18 (to the birthday) when the branch considers",
    ),
    steps={Step.PROPOSE_ADMISSION},
)
def eighteen_by_birthday(context: Context) -> Values | None:
    """The candidate has had an 18th birthday by the branch meeting."""
    return None if add_months(context.dossier.candidate.birth_date, 216) <= context.on else {}


LOCAL_294 = (
    QD_294_2025.add(local_rating)
    .replace(eighteen_by_birthday)
    .without("card.number_format")
    .with_policy(min_pool_months=24, youth_age_max_years=28)
    .renamed("294-QĐ/TW+ĐUK")
)


def main() -> None:
    workflow = Workflow().using(LOCAL_294)
    meeting = pendulum.date(2025, 10, 14)
    dossier = make_dossier(meeting=meeting, id="HS-042", name="Phạm Quốc Huy")
    walk(workflow, dossier, meeting=meeting, until=Stage.PREPARED)
    add_vote(dossier, meeting, counted=9, favour=9)

    print(f"Rule set: {LOCAL_294.code}, {len(LOCAL_294)} rules")
    print(f"  added:    {local_rating.id} ({local_rating.clause})")
    print(f"  replaced: {eighteen_by_birthday.id} ({eighteen_by_birthday.clause})")
    print("  removed:  card.number_format")
    print(
        f"  policy:   min_pool_months={LOCAL_294.policy.min_pool_months}, "
        f"youth_age_max_years={LOCAL_294.policy.youth_age_max_years}"
    )
    print(f"  shipped set untouched: {QD_294_2025.code}, {len(QD_294_2025)} rules\n")

    for name, flow in [("shipped QĐ 294", Workflow()), ("local variant", workflow)]:
        failures = flow.law.check(dossier, Step.PROPOSE_ADMISSION, on=meeting, actor=Actor.BRANCH)
        print(f"{name}: {len(failures)} failure(s)")
        for failure in failures:
            print(f"  - {failure.text('vi')}")
            print(f"    {failure.message('en')}")


if __name__ == "__main__":
    main()
