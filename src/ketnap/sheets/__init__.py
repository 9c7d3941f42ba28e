"""
Spreadsheets in and out (bảng tính): candidates and members in progress, one row per dossier.

Offices keep their lists in spreadsheets. `read_dossiers` reads a sheet (.xlsx or .csv)
whose first row holds the Vietnamese (or English) column headers of `columns`, dates
written as offices write them (dd/mm/yyyy). A row with only the candidate's columns is
a new dossier at the source pool; a row that also gives acts already done (the date and
document number of the branch resolution, the decision, the ceremony ...) is a dossier
in progress, opened at its stage by `Workflow.adopt` with the conditions a row cannot
carry (votes, sponsors, certificates, papers, verification: `ON_PAPER`) attested on
paper. Every row with a problem is reported with its sheet, row, column and reason
(`SheetRefused`); nothing is returned unless every row is valid. `write_dossiers`
writes the same columns, so that what it writes reads back into equal dossiers, and
`write_template` writes an empty workbook with the columns and a sheet explaining them.
`read_setup` and `write_setup` do the same for the organisation tree, quotas and
courses (`SETUP_SHEETS`).

.xlsx files are read with openpyxl in read-only mode, row by row, so memory stays flat
however long the list.

Everything public is here. Underneath, one private module per workbook (`_dossiers`,
`_setup`) over the cells both read and write (`_cells`).

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_template(folder / "mau.xlsx")
>>> [c.vi for c in columns()][:3]
['Mã hồ sơ', 'Họ và tên', 'Ngày sinh']
"""

from ketnap.sheets._cells import Column, SheetProblem, SheetRefused, csv_encoding
from ketnap.sheets._dossiers import (
    CANDIDATE_COLUMNS,
    CERTIFICATE_COLUMNS,
    COLUMNS,
    ON_PAPER,
    RECORD_COLUMNS,
    SHEET,
    columns,
    read_dossiers,
    write_dossiers,
    write_template,
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

__all__ = [
    "CANDIDATE_COLUMNS",
    "CERTIFICATE_COLUMNS",
    "COLUMNS",
    "COURSE_COLUMNS",
    "ON_PAPER",
    "QUOTA_COLUMNS",
    "RECORD_COLUMNS",
    "SETUP_SHEETS",
    "SHEET",
    "UNIT_COLUMNS",
    "Column",
    "Setup",
    "SheetProblem",
    "SheetRefused",
    "columns",
    "csv_encoding",
    "read_dossiers",
    "read_setup",
    "write_dossiers",
    "write_setup",
    "write_template",
]
