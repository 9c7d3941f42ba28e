"""
A griffe extension: doctest examples in docstrings are shown as code on the site.

Free-text ``>>>`` examples (not under an ``Examples:`` heading) would otherwise be read
as Markdown, where ``shared["dossier"]["candidate"]`` looks like a reference link.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """Wrap each run of doctest lines (prompts and their output) in a ``pycon`` fence."""
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        starts = line.lstrip().startswith(">>>")
        if starts and not inside:
            out.append("```pycon")
            inside = True
        elif inside and not line.strip():
            out.append("```")
            inside = False
        out.append(line)
    if inside:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctest examples of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **_: Any) -> None:
        """Rewrite *obj*'s docstring, if it has one."""
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
