"""
Spreadsheets in and out (bảng tính): candidates and members in progress, one row per dossier.

Offices keep their lists in spreadsheets. `read_dossiers` reads a sheet (.xlsx or .csv)
whose first row holds the Vietnamese (or English) column headers of `columns`, dates
written as offices write them (dd/mm/yyyy). A row with only the candidate's columns is
a new dossier at the source pool; a row that also gives acts already done (the date and
document number of the branch resolution, the decision, the ceremony ...) is a dossier
in progress, opened at its stage by `Workflow.adopt` with the conditions a row cannot
carry (votes, sponsors, certificates, papers, verification: `ON_PAPER`) attested on
paper. Every row with a problem is reported with its sheet, row, column and reason,
wholly in one language (`SheetRefused`); nothing is returned unless every row is valid.
`read_dossier_rows` reads the valid rows and keeps the others with their cells and
reasons (`SheetRows`), which `write_rejects` writes for the clerk to correct and import
again. `write_dossiers` writes the same columns, so that what it writes reads back into
equal dossiers, and `write_template` writes an empty workbook guided by them (drop-down
lists, a note on each header) with a sheet explaining them. `read_setup` and
`write_setup` do the same for the organisation tree, quotas and courses
(`SETUP_SHEETS`); party members are counted on branches only.

.xlsx files are read with openpyxl in read-only mode, row by row, so memory stays flat
however long the list.

Everything public is here. Underneath, one private module per workbook (`_dossiers`,
`_setup`) over the cells both read and write (`_cells`, and `_reasons`: the records'
reasons in Vietnamese too), and the workbooks a clerk fills in (`_template`).

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_template(folder / "mau.xlsx")
>>> [c.vi for c in columns()][:3]
['Mã hồ sơ', 'Họ và tên', 'Ngày sinh']
"""

from ketnap.sheets._cells import (
    Column,
    SheetProblem,
    SheetRefused,
    csv_encoding,
    estimate_rows,
)
from ketnap.sheets._dossiers import (
    CANDIDATE_COLUMNS,
    CERTIFICATE_COLUMNS,
    COLUMNS,
    ON_PAPER,
    RECORD_COLUMNS,
    SHEET,
    RefusedRow,
    SheetRows,
    columns,
    read_dossier_rows,
    read_dossiers,
    write_dossiers,
)
from ketnap.sheets._setup import (
    COURSE_COLUMNS,
    QUOTA_COLUMNS,
    SETUP_SHEETS,
    UNIT_COLUMNS,
    Setup,
    read_setup,
    write_setup,
)
from ketnap.sheets._template import REASON, write_rejects, write_template

__all__ = [
    "CANDIDATE_COLUMNS",
    "CERTIFICATE_COLUMNS",
    "COLUMNS",
    "COURSE_COLUMNS",
    "ON_PAPER",
    "QUOTA_COLUMNS",
    "REASON",
    "RECORD_COLUMNS",
    "SETUP_SHEETS",
    "SHEET",
    "UNIT_COLUMNS",
    "Column",
    "RefusedRow",
    "Setup",
    "SheetProblem",
    "SheetRefused",
    "SheetRows",
    "columns",
    "csv_encoding",
    "estimate_rows",
    "read_dossier_rows",
    "read_dossiers",
    "read_setup",
    "write_dossiers",
    "write_rejects",
    "write_setup",
    "write_template",
]
