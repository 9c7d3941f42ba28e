"""
The reasons the records give for a value they refuse, in Vietnamese too, for a clerk.

The records, the tree and the workflow refuse a value with `InvalidInput` and a reason
in English, for a program's log. A sheet's problem is read by a clerk, in one language:
`reason_of` gives a reason both ways, its English as the records wrote it, its
Vietnamese from the table below, matched on the English (the values a reason quotes, a
unit's code or a length, are carried over). A reason no entry matches reads in
Vietnamese as "a value not accepted", never half in English;
``tests/test_sheet_guidance.py`` raises every reason a sheet can meet and finds it here.
"""

from __future__ import annotations

import re
from typing import Final

from ketnap.errors import InvalidInput
from ketnap.messages import Message

_CODE = r"'(?P<code>[^']*)'"


def _entry(english: str, vietnamese: str) -> tuple[re.Pattern[str], str]:
    return re.compile(english), vietnamese


# The English as the raising code words it (a regular expression over it), then the
# Vietnamese, whose {names} are the expression's groups.
_TABLE: Final = (
    # ketnap.inputs.clean_text: every text of a record
    _entry(r"longer than (?P<n>[\d,]+) characters", "dài quá {n} ký tự"),
    _entry(
        r"contains a character not allowed in text \((?P<char>U\+[0-9A-F]+)\)",
        "có ký tự không được dùng trong văn bản ({char})",
    ),
    _entry(
        r"contains a control character \((?P<char>U\+[0-9A-F]+)\)", "có ký tự điều khiển ({char})"
    ),
    _entry(r"expected a string, got \w+", "cần ghi chữ"),
    # the records
    _entry(r"must be a non-empty string", "không được để trống"),
    _entry(r"must be a string of digits", "chỉ ghi chữ số"),
    _entry(
        r"must have 12 digits \(or 9, old ID card\), has (?P<n>\d+)",
        "cần 12 chữ số (hoặc 9 với chứng minh nhân dân cũ), đang có {n}",
    ),
    _entry(
        r"the birth date is not before entered_pool_on",
        "ngày sinh phải trước ngày vào danh sách cảm tình Đảng",
    ),
    _entry(r"must be a non-negative integer.*", "cần số nguyên không âm"),
    _entry(r"more than (?P<n>\d+) digits", "quá {n} chữ số"),
    # ketnap.dates.as_date
    _entry(
        r"outside the dates ketnap covers, (?P<first>\d{4}-\d\d-\d\d) to (?P<last>\d{4}-\d\d-\d\d)",
        "ngoài khoảng ngày ketnap xử lý ({first} đến {last})",
    ),
    # Workflow.adopt
    _entry(r"after the adoption day", "sau ngày tiếp nhận hồ sơ (--adopted-on)"),
    # the tree of units, its quotas and courses
    _entry(rf"code {_CODE} is used twice", "mã «{code}» đã dùng ở dòng khác"),
    _entry(
        rf"{_CODE} has unknown level '(?P<level>[^']*)'; known: (?P<known>.*)",
        "«{code}»: cấp «{level}» không dùng được cùng các cấp khác của bảng; dùng: {known}",
    ),
    _entry(
        rf"{_CODE} has unknown parent '(?P<parent>[^']*)'",
        "«{code}»: không có đơn vị mã «{parent}»",
    ),
    _entry(
        rf"{_CODE} \((?P<level>\w+)\) is not below '(?P<parent>[^']*)' \((?P<above>\w+)\)",
        "«{code}» ({level}) không ở cấp dưới «{parent}» ({above})",
    ),
    _entry(
        rf"expected one root unit, found a second: {_CODE}",
        "chỉ một đơn vị được để trống mã cấp trên; «{code}» là đơn vị thứ hai",
    ),
    _entry(
        r"expected one root unit, found 0",
        "cần một đơn vị cao nhất (để trống mã cấp trên); không có",
    ),
    _entry(rf"{_CODE} is more than (?P<n>\d+) levels deep", "«{code}» sâu quá {n} cấp"),
    _entry(r"is before opened_on", "trước ngày khai giảng"),
)

_NOT_ACCEPTED: Final = "giá trị không được chấp nhận (xem chi tiết bằng tiếng Anh: --lang en)"


def vietnamese(reason: str) -> str | None:
    """The Vietnamese of an English *reason* the records give; None if the table lacks it."""
    for pattern, words in _TABLE:
        found = pattern.fullmatch(reason)
        if found is not None:
            return words.format_map({k: _as_vi(v) for k, v in found.groupdict().items()})
    return None


_ISO_DAY: Final = re.compile(r"(\d{4})-(\d\d)-(\d\d)")


def _as_vi(value: str) -> str:
    """A value a reason quotes, as Vietnamese writes it: 1.000, 31/12/2100."""
    day = _ISO_DAY.fullmatch(value)
    if day is not None:
        return f"{day.group(3)}/{day.group(2)}/{day.group(1)}"
    return value.replace(",", ".") if value.replace(",", "").isdigit() else value


def reason_of(exc: InvalidInput) -> Message:
    """The reason *exc* gives, in both languages: English as written, Vietnamese from the table."""
    vi = vietnamese(exc.reason)
    # Rendered with no values, each text is kept as it is: braces a reason quotes (in a
    # unit's code) are not placeholders.
    return Message(vi=_NOT_ACCEPTED if vi is None else vi, en=exc.reason)
