"""
The digests that chain a dossier's history entries (`ketnap.integrity` verifies them).

Each entry's digest is SHA-256 over a length-prefixed canonical form of its content
and the digest of the entry before; the first entry is chained to the dossier's id.
"""

from __future__ import annotations

import datetime as dt
import hashlib

__all__ = ["chain_start", "entry_digest"]

# Bumped only if the canonical form below changes; old chains then need a migration.
_FORMAT = "ketnap-history-1"


def _field(value: str) -> str:
    # Length-prefixed, so that no choice of free text (a regulation code, a document
    # number) can make two different entries hash the same content.
    return f"{len(value)}:{value}"


def chain_start(dossier_id: str) -> str:
    """Return the ``previous`` of a dossier's first entry: binds the chain to the dossier."""
    return hashlib.sha256(f"{_FORMAT}|{_field(dossier_id)}".encode()).hexdigest()


def entry_digest(
    *,
    previous: str,
    on: dt.date,
    step: str,
    actor: str,
    source: str,
    target: str,
    regulation: str,
    reference: str | None,
    adopted_on: dt.date | None = None,
    attested: tuple[str, ...] = (),
) -> str:
    """Return the SHA-256 digest of one history entry's canonical content."""
    ref = "-" if reference is None else _field(reference)
    content = (
        f"{_FORMAT}|{previous}|{on.isoformat()}|{step}|{actor}|{source}|{target}"
        f"|{_field(regulation)}|{ref}"
    )
    if adopted_on is not None:
        # Only adopted entries carry it, so every digest made before adoption existed holds.
        content += f"|adopted:{adopted_on.isoformat()}"
    if attested:
        content += "|attested:" + ",".join(_field(rule_id) for rule_id in attested)
    return hashlib.sha256(content.encode()).hexdigest()
