"""
MkDocs hooks: the reference pages generated from the code at every build.

The rule catalogue, the changes between regulations and the workflow diagram are made
by `ketnap.catalogue` from the shipped rule sets and process (`ketnap.ADMISSION`); the
document format and its JSON Schema by `ketnap.storage.schema` from the model; nobody
writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mkdocs.structure.files import File, Files

from ketnap.catalogue import regulation_changes, rule_catalogue, workflow_page
from ketnap.law import Law
from ketnap.storage.schema import SCHEMA_FILE, document_page, schema_text

PAGES: dict[str, Callable[[], str]] = {
    "reference/catalogue.md": rule_catalogue,
    "reference/changes.md": regulation_changes,
    "reference/workflow.md": lambda: workflow_page(Law()),
    "reference/document.md": document_page,
    f"reference/{SCHEMA_FILE}": schema_text,
}


def on_files(files: Files, config: Any, **_: Any) -> Files:  # noqa: ANN401 - mkdocs' config
    """Add the generated pages to the site."""
    for path, make in PAGES.items():
        files.append(File.generated(config, path, content=make()))
    return files
