r"""
What ketnap accepts as input: the size limits and how text is cleaned.

Every string that enters a record (a name, an id, a reference number) goes through
`clean_text`: it is normalised to Unicode NFC, so that a name typed with combining
marks (NFD, as older Vietnamese input methods produce) equals the same name typed
precomposed, and control characters, lone surrogates and bidirectional overrides are
refused, since they cannot be part of a name and a terminal would act on them.

The limits bound what one dossier may hold, so that a malformed or hostile file fails
with a clear error before it can exhaust memory. The loader and the ``ketnap`` command
check them before and while parsing; the model checks the text length.

>>> clean_text("Nguye\u0302\u0303n", field="name") == "Nguy\u1ec5n"
True
>>> clean_text("a\x1b[2J", field="name")
Traceback (most recent call last):
...
ketnap.errors.InvalidInput: name: contains a control character (U+001B)
"""

from __future__ import annotations

import unicodedata
from typing import Final

import attrs

from ketnap.errors import InvalidInput

__all__ = ["LIMITS", "Limits", "clean_text"]


@attrs.frozen(kw_only=True)
class Limits:
    """
    The largest input ketnap accepts.

    Attributes:
        document_bytes: one dossier document, as read from a file or a store.
        text_chars: one string (a name, an id, a document number), after NFC normalisation.
        list_items: one list in a document (history entries, votes, relatives ...).
        depth: nesting of JSON arrays and objects in a document.
        integer_digits: digits of one JSON integer (a vote count).
    """

    document_bytes: int = 1_048_576
    text_chars: int = 1_000
    list_items: int = 1_000
    depth: int = 16
    integer_digits: int = 9


LIMITS: Final = Limits()
"""The limits in force; documented in docs/storage.md."""

# Bidirectional embeddings, overrides and isolates: they reorder what a reader sees
# (a name that displays differently from what is stored), never part of a name.
_BIDI: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Cc: control characters (NUL, escape, newline); Cs: lone surrogates, which no UTF-8
# text can hold and which would break saving; Co and Cn: private-use and unassigned.
_REFUSED_CATEGORIES: Final = frozenset({"Cc", "Cs", "Co", "Cn"})


def clean_text(value: object, *, field: str, max_chars: int = LIMITS.text_chars) -> str:
    """
    Return *value* normalised to NFC, or raise `InvalidInput` naming *field*.

    The value itself is never quoted in the error: it may be a name (personal data).

    Raises:
        InvalidInput: not a string, too long, or holding a control character, a lone
            surrogate, a private-use or unassigned code point or a bidirectional override.
    """
    if not isinstance(value, str):
        raise InvalidInput(field, f"expected a string, got {type(value).__name__}")
    if len(value) > max_chars * 4:
        # Checked before normalising, which cannot shrink a string by more than this.
        raise InvalidInput(field, f"longer than {max_chars:,} characters")
    if not value.isascii():
        for char in value:
            if unicodedata.category(char) in _REFUSED_CATEGORIES or char in _BIDI:
                raise InvalidInput(
                    field, f"contains a character not allowed in text (U+{ord(char):04X})"
                )
        value = unicodedata.normalize("NFC", value)
    elif not value.isprintable():
        char = next(char for char in value if not char.isprintable())
        raise InvalidInput(field, f"contains a control character (U+{ord(char):04X})")
    if len(value) > max_chars:
        raise InvalidInput(field, f"longer than {max_chars:,} characters")
    return value
