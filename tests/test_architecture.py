"""The house has no circle: no module imports one that imports it back (issue 26, item 5)."""

from __future__ import annotations

import grimp


def test_no_module_imports_one_that_imports_it_back() -> None:
    # Typing-only imports count: an annotation naming a module above is an arrow back up.
    graph = grimp.build_graph("ketnap", exclude_type_checking_imports=False)
    circles = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )
    assert circles == []


def test_the_errors_at_the_bottom_import_nothing_of_ketnap_but_the_messages() -> None:
    graph = grimp.build_graph("ketnap", exclude_type_checking_imports=False)
    assert graph.find_modules_directly_imported_by("ketnap.errors") <= {"ketnap.messages"}
