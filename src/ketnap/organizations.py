"""
Party organisations (tổ chức đảng) as a tree, yearly admission quotas and courses.

The levels are configurable because the 2025 reform removed the district level
(regulation reference F-07): `LEVELS_2021` is district → base party committee or base branch →
branch; `LEVELS_2025` is province → commune-level committee → base organisations →
branches. Each dossier belongs to a branch (`Organization.code`); authority and reports
come from the tree.

>>> tree = OrganizationTree(
...     [
...         Unit(code="H", name="Đảng bộ huyện Yên Lạc", level="district"),
...         Unit(code="X1", name="Đảng bộ xã Tam Hồng", level="base_committee", parent="H"),
...         Unit(code="X1.1", name="Chi bộ thôn 1", level="branch", parent="X1", members=35),
...     ]
... )
>>> tree.organization("X1.1").under_base_committee
True
>>> tree.competent_committee("X1.1").name
'Đảng bộ huyện Yên Lạc'
>>> tree.unit("X1").committee_name
'Đảng ủy xã Tam Hồng'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import pendulum

from ketnap.dates import DATE_MAX, DATE_MIN, as_date, parse_date
from ketnap.errors import InvalidInput
from ketnap.inputs import LIMITS, clean_text
from ketnap.messages import Lang, Message
from ketnap.model import Actor, Organization

__all__ = [
    "LEVELS_2021",
    "LEVELS_2025",
    "Course",
    "Level",
    "OrganizationTree",
    "Quotas",
    "Unit",
    "course_data",
    "courses_from_data",
]


# Text converters, one per field name so that an error names the field; each is
# `ketnap.inputs.clean_text`, as for a dossier's texts: NFC, bounded, no control characters.
def _code_text(value: object) -> str:
    return clean_text(value, field="code")


def _name_text(value: object) -> str:
    return clean_text(value, field="name")


def _level_text(value: object) -> str:
    return clean_text(value, field="level")


def _parent_text(value: object) -> str | None:
    return None if value is None else clean_text(value, field="parent")


def _committee_text(value: object) -> str | None:
    return None if value is None else clean_text(value, field="committee")


def _unit_text(value: object) -> str:
    return clean_text(value, field="unit")


@attrs.frozen(kw_only=True)
class Level:
    """
    A level of the party's organisation, with its labels.

    Args:
        code: identifier, e.g. ``"base_committee"``.
        label: Vietnamese and English names.
        base: a base party organisation (tổ chức cơ sở đảng), the unit quotas go to.
        branch: a branch (chi bộ): dossiers belong to units of this level.
    """

    code: str = attrs.field(converter=_code_text)
    label: Message
    base: bool = False
    branch: bool = False


LEVELS_2021: tuple[Level, ...] = (
    Level(code="district", label=Message(vi="Đảng bộ huyện", en="District party committee")),
    Level(
        code="base_committee",
        label=Message(vi="Đảng bộ cơ sở", en="Base party committee"),
        base=True,
    ),
    Level(
        code="base_branch",
        label=Message(vi="Chi bộ cơ sở", en="Base branch"),
        base=True,
        branch=True,
    ),
    Level(
        code="branch",
        label=Message(vi="Chi bộ trực thuộc", en="Branch under a base committee"),
        branch=True,
    ),
)
"""District → base party committee / base branch → branch: before the 2025 reform."""

LEVELS_2025: tuple[Level, ...] = (
    Level(code="province", label=Message(vi="Đảng bộ tỉnh, thành phố", en="Provincial committee")),
    Level(
        code="commune",
        label=Message(vi="Đảng bộ xã, phường, đặc khu", en="Commune-level party committee"),
    ),
    *LEVELS_2021[1:],
)
"""Province → commune-level committee → base organisations → branches: from 1 Jul 2025."""


def _code(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # None is the root's parent; the text converters refuse it for every other field.
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidInput(attribute.name, "must be a non-empty string")


def _check_count(field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(field, "must be a non-negative integer")
    # A store keeps it as a 64-bit integer; no real count comes near the bound.
    if value >= 10**LIMITS.integer_digits:
        raise InvalidInput(field, f"more than {LIMITS.integer_digits} digits")


def _count(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    _check_count(attribute.name, value)


def _flag(_instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidInput(attribute.name, "must be true or false")


@attrs.frozen(kw_only=True)
class Unit:
    """
    One party organisation.

    Args:
        code: its code, unique in the tree.
        name: its name.
        level: the code of its `Level`.
        parent: the code of the unit above it (None for the root).
        members: party members it has directly (branches); a unit's total is the sum
            over the units under it.
        may_admit: a base party committee authorised to admit (F-07a).
        committee: the name of its committee, the body that resolves and decides
            ("Huyện ủy Yên Lạc"); None: `committee_name` derives it from *name*.
    """

    code: str = attrs.field(converter=_code_text, validator=_code)
    name: str = attrs.field(converter=_name_text, validator=_code)
    level: str = attrs.field(converter=_level_text, validator=_code)
    parent: str | None = attrs.field(default=None, converter=_parent_text, validator=_code)
    members: int = attrs.field(default=0, validator=_count)
    may_admit: bool = attrs.field(default=False, validator=_flag)
    committee: str | None = attrs.field(default=None, converter=_committee_text, validator=_code)

    @property
    def committee_name(self) -> str:
        """
        The name of its committee: `committee` if given, else derived from *name*.

        A party committee's organisation (đảng bộ) is led by its committee (đảng ủy); a
        branch (chi bộ) and any other name is kept as it is.

        >>> Unit(code="X", name="Đảng bộ xã Xuân Thành", level="commune").committee_name
        'Đảng ủy xã Xuân Thành'
        >>> Unit(code="C", name="Chi bộ thôn 1", level="branch").committee_name
        'Chi bộ thôn 1'
        """
        if self.committee is not None:
            return self.committee
        head, rest = self.name[: len(_PARTY_COMMITTEE)], self.name[len(_PARTY_COMMITTEE) :]
        if head.casefold() == _PARTY_COMMITTEE.casefold() and rest[:1].isspace():
            return "Đảng ủy" + rest
        return self.name


_PARTY_COMMITTEE = "Đảng bộ"


class OrganizationTree:
    """
    The units of a party organisation, checked when built.

    Raises:
        InvalidInput: a duplicate code, an unknown parent or level, a cycle, a unit whose
            level is not below its parent's, or a number of roots other than one.
    """

    def __init__(self, units: Iterable[Unit], *, levels: Iterable[Level] = LEVELS_2021) -> None:
        self.levels: tuple[Level, ...] = tuple(levels)
        self._level: dict[str, Level] = {}
        for index, level in enumerate(self.levels):
            if level.code in self._level:
                raise InvalidInput(f"levels[{index}].code", f"level {level.code!r} is given twice")
            self._level[level.code] = level
        self._depth = {level.code: index for index, level in enumerate(self.levels)}
        self._units: dict[str, Unit] = {}
        places: dict[str, int] = {}  # each unit's place in the list given, for errors
        for index, unit in enumerate(units):
            if unit.code in self._units:
                raise InvalidInput(f"units[{index}].code", f"code {unit.code!r} is used twice")
            if unit.level not in self._level:
                known = ", ".join(self._level)
                raise InvalidInput(
                    f"units[{index}].level",
                    f"{unit.code!r} has unknown level {unit.level!r}; known: {known}",
                )
            self._units[unit.code] = unit
            places[unit.code] = index
        self._children: dict[str, list[str]] = {code: [] for code in self._units}
        self.root: Unit = self._link(places)
        self._check_depth(places)

    def _link(self, places: Mapping[str, int]) -> Unit:
        """Attach each unit under its parent; return the root."""
        roots: list[Unit] = []
        for unit in self._units.values():
            place = f"units[{places[unit.code]}]"
            if unit.parent is None:
                if roots:
                    raise InvalidInput(
                        f"{place}.parent", f"expected one root unit, found a second: {unit.code!r}"
                    )
                roots.append(unit)
                continue
            parent = self._units.get(unit.parent)
            if parent is None:
                raise InvalidInput(
                    f"{place}.parent", f"{unit.code!r} has unknown parent {unit.parent!r}"
                )
            if self._depth[unit.level] <= self._depth[parent.level]:
                raise InvalidInput(
                    f"{place}.level",
                    f"{unit.code!r} ({unit.level}) is not below {parent.code!r} ({parent.level})",
                )
            self._children[parent.code].append(unit.code)
        if not roots:
            raise InvalidInput("units", "expected one root unit, found 0")
        return roots[0]

    def _check_depth(self, places: Mapping[str, int]) -> None:
        # Every unit's level is below its parent's, so the tree has no cycle and a unit
        # is deeper than its parent; but a tree given as data may have any number of
        # levels, and what walks it must never meet more than the limit.
        depth = {self.root.code: 1}
        for unit in self.subtree(self.root.code):  # parents before their children
            for child in self._children[unit.code]:
                depth[child] = depth[unit.code] + 1
                if depth[child] > LIMITS.tree_depth:
                    raise InvalidInput(
                        f"units[{places[child]}]",
                        f"{child!r} is more than {LIMITS.tree_depth} levels deep",
                    )

    # --- navigation -------------------------------------------------------------------------

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def __len__(self) -> int:
        return len(self._units)

    def unit(self, code: str) -> Unit:
        """
        Return the unit with *code*.

        Raises:
            InvalidInput: no unit has that code.
        """
        try:
            return self._units[code]
        except KeyError:
            raise InvalidInput("unit", f"no unit has code {code!r}") from None

    def level(self, unit: Unit) -> Level:
        """The `Level` of *unit*."""
        return self._level[unit.level]

    def children(self, code: str) -> list[Unit]:
        """The units directly under *code*, in the order given."""
        return [self._units[child] for child in self._children[self.unit(code).code]]

    def subtree(self, code: str) -> Iterator[Unit]:
        """*code* and every unit under it, depth first."""
        stack = [self.unit(code).code]
        while stack:
            current = stack.pop()
            yield self._units[current]
            stack.extend(reversed(self._children[current]))

    def branches(self, code: str) -> list[Unit]:
        """The branches at or under *code*: the units dossiers belong to."""
        return [unit for unit in self.subtree(code) if self.level(unit).branch]

    def base_units(self, code: str) -> list[Unit]:
        """The base party organisations at or under *code*."""
        return [unit for unit in self.subtree(code) if self.level(unit).base]

    def ancestors(self, code: str) -> list[Unit]:
        """The units above *code*, nearest first."""
        found = []
        unit = self.unit(code)
        while unit.parent is not None:
            unit = self._units[unit.parent]
            found.append(unit)
        return found

    def base_of(self, code: str) -> Unit:
        """The base party organisation *code* belongs to (itself if it is one)."""
        for unit in (self.unit(code), *self.ancestors(code)):
            if self.level(unit).base:
                return unit
        raise InvalidInput("unit", f"{code!r} is not under a base party organisation")

    def members(self, code: str) -> int:
        """Party members at or under *code*."""
        return sum(unit.members for unit in self.subtree(code))

    # --- authority -----------------------------------------------------------------------------

    def organization(self, code: str) -> Organization:
        """
        The `Organization` a dossier of branch *code* carries.

        Raises:
            InvalidInput: *code* is not a branch.
        """
        unit = self.unit(code)
        if not self.level(unit).branch:
            raise InvalidInput("unit", f"{code!r} is a {unit.level}, not a branch")
        base = self.base_of(code)
        return Organization(
            name=unit.name,
            code=unit.code,
            under_base_committee=base.code != unit.code,
            base_committee_may_admit=base.may_admit,
            base_code=base.code,
        )

    def competent_committee(self, code: str) -> Unit:
        """
        The unit that decides admissions for branch *code* (F-07, F-07a).

        The base committee if it is authorised to admit, otherwise the unit directly
        above the base organisation (the district, or after 2025 the level the
        deployment configured above it).
        """
        base = self.base_of(code)
        if base.may_admit or base.parent is None:
            return base
        return self._units[base.parent]

    def role(self, unit: str, branch: str) -> Actor | None:
        """
        The `Actor` role *unit* plays for the dossiers of *branch*, or None if it has none.

        The branch itself acts as `Actor.BRANCH`; the base committee above a branch under
        it as `Actor.BASE_COMMITTEE`; the `competent_committee` as
        `Actor.COMPETENT_COMMITTEE` (a base committee authorised to admit plays that role).
        Pass the result as the ``actor`` of `ketnap.Workflow.advance`.

        >>> tree = OrganizationTree([
        ...     Unit(code="H", name="Huyện", level="district"),
        ...     Unit(code="X", name="Xã", level="base_committee", parent="H"),
        ...     Unit(code="X.1", name="Thôn 1", level="branch", parent="X"),
        ... ])
        >>> [tree.role(code, "X.1").value for code in ("X.1", "X", "H")]
        ['branch', 'base_committee', 'competent_committee']
        """
        acting = self.unit(unit)
        self.organization(branch)  # refuses a unit that is not a branch
        if acting.code == branch:
            return Actor.BRANCH
        if acting.code == self.competent_committee(branch).code:
            return Actor.COMPETENT_COMMITTEE
        if acting.code == self.base_of(branch).code:
            return Actor.BASE_COMMITTEE
        return None

    # --- data ----------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """The tree as JSON-compatible data (levels and units)."""
        return {
            "levels": [
                {
                    "code": lv.code,
                    "vi": lv.label.vi,
                    "en": lv.label.en,
                    "base": lv.base,
                    "branch": lv.branch,
                }
                for lv in self.levels
            ],
            # A committee name not given is left out, as `from_data` reads it.
            "units": [
                attrs.asdict(
                    unit, filter=lambda field, value: field.name != "committee" or value is not None
                )
                for unit in self._units.values()
            ],
        }

    @classmethod
    def from_data(cls, data: object) -> OrganizationTree:
        """
        Build a tree from `to_data` output.

        Every text is cleaned as a dossier's is (`ketnap.inputs.clean_text`).

        Raises:
            InvalidInput: the data has the wrong shape or describes an invalid tree; the
                error names the key, e.g. ``tree.units[3].name``.
        """
        if (
            not isinstance(data, Mapping)
            or not isinstance(data.get("levels"), list)
            or (not isinstance(data.get("units"), list))
        ):
            raise InvalidInput("tree", "expected an object with levels and units")
        levels = [_level_from_data(index, item) for index, item in enumerate(data["levels"])]
        units = []
        for index, item in enumerate(data["units"]):
            place = f"tree.units[{index}]"
            if (
                not isinstance(item, Mapping)
                or not {"code", "name", "level"} <= set(item)
                or (not set(item) <= _UNIT_KEYS)
            ):
                raise InvalidInput(
                    place, f"malformed tree data: expected the keys {', '.join(sorted(_UNIT_KEYS))}"
                )
            try:
                units.append(Unit(**item))
            except InvalidInput as exc:
                raise InvalidInput(f"{place}.{exc.field}", exc.reason) from None
        try:
            return cls(units, levels=levels)
        except InvalidInput as exc:
            raise InvalidInput(f"tree.{exc.field}", exc.reason) from None

    def describe(self, lang: Lang = "vi") -> str:
        """One line per level: how many units, and the members in all."""
        counts = {level.code: 0 for level in self.levels}
        for unit in self:
            counts[unit.level] += 1
        parts = [
            _COUNTED.render(lang, {"what": level.label, "n": counts[level.code]})
            for level in self.levels
        ]
        members = _COUNTED.render(lang, {"what": _MEMBERS, "n": self.members(self.root.code)})
        return "; ".join([*parts, members])


_UNIT_KEYS = frozenset(attrs.fields_dict(Unit))
_LEVEL_KEYS = frozenset({"code", "vi", "en", "base", "branch"})


def _level_from_data(index: int, item: object) -> Level:
    place = f"tree.levels[{index}]"
    if not isinstance(item, Mapping) or set(item) != _LEVEL_KEYS:
        raise InvalidInput(
            place, f"malformed tree data: expected the keys {', '.join(sorted(_LEVEL_KEYS))}"
        )
    for key in ("base", "branch"):
        if not isinstance(item[key], bool):
            raise InvalidInput(f"{place}.{key}", "must be true or false")
    label = Message(
        vi=clean_text(item["vi"], field=f"{place}.vi"),
        en=clean_text(item["en"], field=f"{place}.en"),
    )
    try:
        return Level(code=item["code"], label=label, base=item["base"], branch=item["branch"])
    except InvalidInput as exc:
        raise InvalidInput(f"{place}.{exc.field}", exc.reason) from None


_COUNTED = Message(vi="{what}: {n:,}", en="{what}: {n:,}")
_MEMBERS = Message(vi="đảng viên", en="members")


def courses_from_data(data: object) -> list[Course]:
    """
    Build courses from ``[{"code", "unit", "opened_on", "closed_on", "trainees"}, ...]``.

    Raises:
        InvalidInput: the data has the wrong shape, naming the item.
    """
    if not isinstance(data, list):
        raise InvalidInput("courses", "expected a list of courses")
    courses = []
    for index, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise InvalidInput(f"courses[{index}]", "expected an object")
        try:
            dates = {
                key: parse_date(item[key], field=key)
                for key in ("opened_on", "closed_on")
                if isinstance(item.get(key), str)
            }
            courses.append(Course(**{**item, **dates}))
        except TypeError:
            raise InvalidInput(
                f"courses[{index}]", "expected code, unit, opened_on, closed_on and trainees"
            ) from None
        except InvalidInput as exc:
            raise InvalidInput(f"courses[{index}].{exc.field}", exc.reason) from None
    return courses


def course_data(course: Course) -> dict[str, Any]:
    """A course as JSON-compatible data, as `courses_from_data` reads it."""
    return {**attrs.asdict(course), "opened_on": course.opened_on.isoformat(),
            "closed_on": course.closed_on.isoformat()}  # fmt: skip


def _opened(value: object) -> pendulum.Date:
    return as_date(value, field="opened_on")


def _closed(value: object) -> pendulum.Date:
    return as_date(value, field="closed_on")


@attrs.frozen(kw_only=True)
class Course:
    """
    A Party-awareness course (lớp bồi dưỡng nhận thức về Đảng).

    Args:
        code: its code.
        unit: the organisation that held it.
        opened_on: first day.
        closed_on: last day; the course counts in the period it ends in.
        trainees: people who attended (học viên).
    """

    code: str = attrs.field(converter=_code_text, validator=_code)
    unit: str = attrs.field(converter=_unit_text, validator=_code)
    opened_on: pendulum.Date = attrs.field(converter=_opened)
    closed_on: pendulum.Date = attrs.field(converter=_closed)
    trainees: int = attrs.field(validator=_count)

    def __attrs_post_init__(self) -> None:
        if self.closed_on < self.opened_on:
            raise InvalidInput("closed_on", "is before opened_on")


class Quotas:
    """
    Yearly admission quotas (chỉ tiêu kết nạp), assigned top-down.

    A unit's plan for a year is its own quota if one was assigned, otherwise the sum of
    the plans of the units under it.

    >>> tree = OrganizationTree([
    ...     Unit(code="H", name="Huyện", level="district"),
    ...     Unit(code="A", name="A", level="base_branch", parent="H"),
    ...     Unit(code="B", name="B", level="base_branch", parent="H"),
    ... ])
    >>> quotas = Quotas({("A", 2021): 120, ("B", 2021): 80})
    >>> quotas.target(tree, "H", 2021)
    200
    """

    def __init__(self, assigned: Mapping[tuple[str, int], int] | None = None) -> None:
        self._assigned: dict[tuple[str, int], int] = {}
        for (unit, year), admissions in (assigned or {}).items():
            self.assign(unit, year, admissions)

    def assign(self, unit: str, year: int, admissions: int) -> None:
        """
        Assign *unit* a quota of *admissions* for *year*.

        Raises:
            InvalidInput: the unit's code is not a clean text (``"unit"``), the year is
                outside the dates ketnap covers (``"year"``), or *admissions* is not a
                whole number from 0 to the limit (``"admissions"``).
        """
        unit = clean_text(unit, field="unit")
        if not unit.strip():
            raise InvalidInput("unit", "expected a unit code")
        if (
            isinstance(year, bool)
            or not isinstance(year, int)
            or not (DATE_MIN.year <= year <= DATE_MAX.year)
        ):
            raise InvalidInput("year", f"expected a year from {DATE_MIN.year} to {DATE_MAX.year}")
        _check_count("admissions", admissions)
        self._assigned[unit, year] = admissions

    def to_data(self) -> list[dict[str, Any]]:
        """The quotas as JSON-compatible data: ``[{"unit", "year", "admissions"}, ...]``."""
        return [{"unit": unit, "year": year, "admissions": n} for unit, year, n in self.items()]

    @classmethod
    def from_data(cls, data: object) -> Quotas:
        """
        Build quotas from `to_data` output.

        Raises:
            InvalidInput: the data has the wrong shape, naming the item.
        """
        if not isinstance(data, list):
            raise InvalidInput("quotas", "expected a list of {unit, year, admissions}")
        quotas = cls()
        for index, item in enumerate(data):
            field = f"quotas[{index}]"
            if not isinstance(item, Mapping) or set(item) != {"unit", "year", "admissions"}:
                raise InvalidInput(field, "expected exactly unit, year and admissions")
            try:
                quotas.assign(item["unit"], item["year"], item["admissions"])
            except InvalidInput as exc:
                raise InvalidInput(f"{field}.{exc.field}", exc.reason) from None
        return quotas

    def items(self) -> list[tuple[str, int, int]]:
        """Every assignment as ``(unit, year, admissions)``, sorted."""
        return sorted((unit, year, n) for (unit, year), n in self._assigned.items())

    def target(self, tree: OrganizationTree, unit: str, year: int) -> int | None:
        """
        *unit*'s target (chỉ tiêu) for *year*, its own or its units' summed.

        None if neither it nor any unit under it has a quota.
        """
        # Bottom-up over the subtree, without recursion: a unit's plan needs its children's.
        plans: dict[str, int | None] = {}
        for below in reversed(list(tree.subtree(unit))):
            own = self._assigned.get((below.code, year))
            if own is None:
                known = [n for c in tree.children(below.code) if (n := plans[c.code]) is not None]
                own = sum(known) if known else None
            plans[below.code] = own
        return plans[tree.unit(unit).code]
