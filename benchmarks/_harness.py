"""
What every benchmark shares: interleaved best-of timing, the equality check, the result lines.

A floor is the fastest reasonable hand-written code for the same complete output as
ketnap's side. Before anything is timed, a benchmark runs both sides once and compares
their outputs field by field (`check_equal`); then `interleaved` times them in rounds,
every side once per round, and keeps each side's best round. A shared preparation (the
dossiers, a test driver, a store's fill) runs before timing, outside both sides.

Each benchmark ends with a ``key=value`` line; with ``--json`` it then prints one JSON
object per ratio (`Ratio.json`), which ``benchmarks/run_all.py`` gathers into a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import attrs

__all__ = ["Ratio", "Unequal", "add_options", "check_equal", "emit", "interleaved"]


class Unequal(AssertionError):
    """The two sides' outputs differ: nothing is timed."""


def interleaved(
    sides: Mapping[str, Callable[[], object]],
    rounds: int,
    *,
    before: Callable[[str], object] | None = None,
    after: Callable[[str], object] | None = None,
) -> dict[str, float]:
    """
    Time *sides* in *rounds*, every side once a round, and return each side's best (s).

    Each round starts one side later than the one before (ketnap, floor; then floor,
    ketnap), so that neither always runs on the heels of the other. *before* and *after*
    run untimed around each timed call, with the side's name (a fresh store to save
    into, say); the garbage of the previous call is collected before each.
    """
    names = list(sides)
    best = dict.fromkeys(names, math.inf)
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            if before is not None:
                before(name)
            gc.collect()
            start = time.perf_counter()
            sides[name]()
            elapsed = time.perf_counter() - start
            if after is not None:
                after(name)
            best[name] = min(best[name], elapsed)
    return best


def check_equal(
    ours: object,
    theirs: object,
    *,
    what: str,
    ignore: Collection[str] = (),
    names: tuple[str, str] = ("ketnap", "the floor"),
) -> None:
    """
    Raise `Unequal`, naming the first field that differs, unless *ours* equals *theirs*.

    Mappings are compared key by key, sequences item by item, attrs instances field by
    field (every field, also those their ``==`` leaves out, such as a message's bound
    values, but a field no one gives, ``init=False``, which only remembers a computation)
    but those named in *ignore*, anything else with ``==`` and the same type (a
    text and an enumeration of texts, such as a stage code, count as the same type).
    *names* name the two sides in the message.
    """
    difference = _Comparison(frozenset(ignore), names).difference(ours, theirs, "")
    if difference is not None:
        raise Unequal(f"{what}: {difference}")


@attrs.frozen
class _Comparison:
    ignore: frozenset[str]
    names: tuple[str, str]

    def difference(self, a: object, b: object, path: str) -> str | None:
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            return self.mapping(a, b, path)
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return self.sequence(a, b, path)
        kind = type(a)
        if not (kind is type(b) or (isinstance(a, str) and isinstance(b, str))):
            left, right = self.names
            return f"{path}: {left} gives a {kind.__name__}, {right} a {type(b).__name__}"
        if attrs.has(kind):
            return self.first(
                (getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
                for f in attrs.fields(kind)
                if f.name not in self.ignore and f.init  # init=False: a cache, not a value
            )
        return None if a == b else f"{path}: {self.values(a, b)}"

    def mapping(
        self, a: Mapping[object, object], b: Mapping[object, object], path: str
    ) -> str | None:
        if list(a) != list(b):
            left, right = self.names
            return f"{path or 'keys'}: {left} has {list(a)!r}, {right} {list(b)!r}"
        return self.first((a[key], b[key], f"{path}[{key!r}]") for key in a)

    def sequence(self, a: Sequence[object], b: Sequence[object], path: str) -> str | None:
        if len(a) != len(b):
            left, right = self.names
            return f"{path}: {left} has {len(a)} items, {right} {len(b)}"
        pairs = zip(a, b, strict=True)
        return self.first((x, y, f"{path}[{i}]") for i, (x, y) in enumerate(pairs))

    def values(self, a: object, b: object) -> str:
        """Two values that differ, a long text or blob cut to where they part."""
        left, right = self.names
        if isinstance(a, (str, bytes)) and isinstance(b, (str, bytes)) and len(a) + len(b) > 200:
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
            at = min(len(a), len(b)) if at is None else at
            start, end = max(0, at - 40), at + 60
            return (
                f"from character {at} (of {len(a)} and {len(b)}),"
                f" {left} {a[start:end]!r}, {right} {b[start:end]!r}"
            )
        return f"{left} {a!r}, {right} {b!r}"

    def first(self, pairs: Iterable[tuple[object, object, str]]) -> str | None:
        for x, y, where in pairs:
            found = self.difference(x, y, where)
            if found is not None:
                return found
        return None


@attrs.frozen
class Ratio:
    """
    One ratio a benchmark measures: ketnap's best time over the floor's.

    Attributes:
        benchmark: its name in the table ("report (sqlite)").
        floor: what the floor is, in one line.
        ratio: ketnap's time over the floor's.
        n: the size it was measured at (dossiers, rows, forms).
        target: the ratio the project aims to stay under, if it set one.
    """

    benchmark: str
    floor: str
    ratio: float
    n: int
    target: float | None = None

    def json(self) -> str:
        """The ratio as one JSON line, dated today."""
        return json.dumps(
            {
                "benchmark": self.benchmark,
                "floor": self.floor,
                "ratio": round(self.ratio, 2),
                "n": self.n,
                "target": self.target,
                "date": dt.datetime.now().astimezone().date().isoformat(),
            },
            ensure_ascii=False,
        )


def add_options(parser: argparse.ArgumentParser, *, rounds: int = 3) -> None:
    """Add ``--rounds`` and ``--json`` to a benchmark's options."""
    parser.add_argument(
        "--rounds",
        type=int,
        default=rounds,
        help=f"timed rounds, best kept (default {rounds})",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="after the last line, one JSON line per ratio",
    )


def emit(summary: str, ratios: Sequence[Ratio], *, as_json: bool) -> None:
    """Print the ``key=value`` *summary* line, then, with *as_json*, one line per ratio."""
    print(summary)
    if as_json:
        for ratio in ratios:
            print(ratio.json())
