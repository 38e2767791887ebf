"""Workbooks as lab portals export them: Excel .xlsx and .xlsm, legacy .xls, and
OpenDocument .ods, read with python-calamine (imported here only, when a workbook is
given: the start-up of every other report is unchanged).

The first visible sheet with a recognisable header in its first rows is read (or the
sheet `--sheet` names); rows above the header (a title, the lab's name) are skipped
and counted. Each row goes through the table reader's own row rules
(`table_format._Table.row`), so a workbook is read exactly as the same table saved as
CSV, except that cells keep their type:

- a date cell is a date (no day/month question), written ISO for the date rules;
- a number cell is a number: written in the run's decimal convention so that the
  value rules read back exactly that number (1.129 stays 1.129, never "1129");
- a text cell is text: `<3`, `45 mg/L`, `9-6-24` follow the rules of CSV;
- a formula gives the value Excel saved with it; a formula saved without a value
  (written by a program, never opened in Excel) is refused, naming its cell.

Where: `lab.xlsx[Results]:5` is row 5 of the sheet Results.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from albutrend.model import Origin
from albutrend.problems import AlbutrendError, printable
from albutrend.reading.quantities import AUTO, COMMA
from albutrend.reading.records import LineParser
from albutrend.reading.tables import (
    DATE,
    EVENT,
    VALUE,
    _Columns,
    _Table,
    date_column_names,
    header_roles,
)

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and .doc)
# A header is looked for in the first rows of a sheet: lab portals put a title,
# the lab's address or the patient's name above it.
HEADER_ROWS = 30
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"


def workbook_kind(data: bytes) -> str | None:
    """'xlsx', 'ods' or 'xls' when `data` is such a workbook, else None."""
    if data.startswith(OLE2):
        return "xls"
    if not data.startswith(ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and z.read("mimetype").strip() == _ODS:
                return "ods"
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    return None


def read_workbook(data: bytes, kind: str, name: str, parser: LineParser) -> None:
    """Read the workbook's sheet of readings into `parser.records`."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as e:  # calamine's errors: not a workbook, encrypted, broken
        what = "an old Excel (.xls) or Word file" if kind == "xls" else "a workbook"
        raise AlbutrendError(
            f"{name}: is {what} that cannot be read ({type(e).__name__}): save it from "
            "Excel as an Excel Workbook (.xlsx), or as CSV UTF-8"
        ) from None
    visible = [
        m.name
        for m in book.sheets_metadata
        if m.visible == python_calamine.SheetVisibleEnum.Visible
        and m.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    wanted = parser.options.sheet
    if wanted is not None:
        if wanted not in book.sheet_names:
            listed = ", ".join(f"'{printable(s)}'" for s in book.sheet_names)
            raise AlbutrendError(
                f"{name}: has no sheet '{printable(wanted)}' (its sheets: {listed})"
            )
        candidates = [wanted]
    else:
        candidates = visible
    for sheet_name in candidates:
        sheet = book.get_sheet_by_name(sheet_name)
        # Rows start at row 1; columns at the first one with data (calamine).
        column0 = sheet.start[1] if sheet.start else 0
        if _read_sheet(sheet.iter_rows(), column0, data, kind, name, sheet_name, parser):
            return
    looked = ", ".join(f"'{printable(s)}'" for s in candidates) or "none visible"
    parser.records.problem(
        Origin(name, 0),
        "",
        f"has no sheet with a header row (a date column, and a value or event column) in "
        f"its first {HEADER_ROWS} rows (sheets looked at: {looked}): name the columns "
        f"(date: {date_column_names()}; see README 'Input formats'), or name the sheet "
        "with --sheet",
    )


def _read_sheet(
    rows: Iterator[list[Any]],
    column0: int,
    data: bytes,
    kind: str,
    name: str,
    sheet: str,
    parser: LineParser,
) -> bool:
    """Rows of one sheet from its header on; False when it has no header."""
    decimal = parser.options.decimal
    source = f"{name}[{sheet}]"
    before: list[int] = []
    header: list[str] | None = None
    number = 0
    for number, cells in enumerate(rows, start=1):
        texts = [cell_text(c, decimal) for c in cells]
        roles = header_roles(texts)
        if DATE in roles and roles & {VALUE, EVENT}:
            header = texts
            break
        if any(t.strip() for t in texts):
            before.append(number)
        if number >= HEADER_ROWS:
            return False
    if header is None:
        return False
    records = parser.records
    columns = _Columns(header, Origin(source, number), parser)
    if not columns.ok:
        return True
    # Rows above the header: a title, an address. Skipped, and said.
    if before:
        records.skip_prose(source, before)
    missing = _formulas_without_values(data, sheet) if kind == "xlsx" else {}
    read = set(columns.index.values())
    table = _Table(columns, header, source, parser, " | ")
    counts = (len(records.readings), len(records.interventions), records.problem_count)
    first = number
    for number, cells in enumerate(rows, start=first + 1):
        texts = [cell_text(c, decimal) for c in cells]
        if missing:
            bad = [missing[key] for i in read if (key := (number, i + column0)) in missing]
            if bad:
                records.problem(
                    Origin(source, number),
                    "",
                    f"has a formula saved without its value in cell {', '.join(sorted(bad))}: "
                    "open the workbook in Excel and save it (Excel saves each formula's "
                    "value), or type the value",
                )
                continue
        table.row(texts, number)
    if not table.finish(first) and counts == (
        len(records.readings),
        len(records.interventions),
        records.problem_count,
    ):
        records.problem(
            Origin(source, first),
            " | ".join(header),
            "is a header with no rows below it (export the rows too, or check that this is "
            "the right sheet)",
        )
    return True


_AMBIGUOUS = re.compile(r"[1-9]\d{0,2}\.\d{3}")


def cell_text(value: Any, decimal: str = AUTO) -> str:
    """A cell as the text the table rules read: dates ISO, numbers in the run's
    decimal convention (never ambiguous), text as it is."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return number_text(value, decimal)
    return str(value)  # a time of day, a duration: not a date, and said so


def number_text(value: float, decimal: str = AUTO) -> str:
    """`value` written so that the number rules under `decimal` read it back exactly:
    `1.129` is written `1.1290` under auto (which refuses `1.129` as maybe 1129),
    `1,129` under --decimal comma; whole numbers without `.0` (an MRN of 12345)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    if decimal == COMMA:
        return text.replace(".", ",")
    if decimal == AUTO and _AMBIGUOUS.fullmatch(text.lstrip("-")):
        return text + "0"
    return text


# A formula cell with no value: `<f>…</f>` alone (a writer that leaves the value out),
# or followed by an empty `<v/>` (openpyxl writes this); an empty value of a text
# result (`t="str"`, a formula that gave "") is a saved value.
# A tag's attributes stop at the next `<` (linear on a crafted sheet of `<c `).
_CELL = re.compile(
    rb"<c\b([^<>]*)>\s*+<f\b[^<>]*(?:/>|>[^<]*+</f>)\s*+(<v\s*/>|<v>\s*+</v>)?\s*+</c>"
)
_TEXT_RESULT = re.compile(rb'\bt="str"')
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _formulas_without_values(data: bytes, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column index) -> cell reference of the formula cells of `sheet` saved
    without a value (calamine reads them as empty cells)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            part = _sheet_part(z, sheet)
            if part is None:
                return {}
            xml = z.read(part)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    if b"<f" not in xml:
        return {}
    out = {}
    for m in _CELL.finditer(xml):
        ref = _REF.search(m[1])
        if ref is None or (m[2] and _TEXT_RESULT.search(m[1])):
            continue
        letters, row = ref[1].decode(), int(ref[2])
        column = 0
        for ch in letters:
            column = column * 26 + ord(ch) - 64
        out[(row, column - 1)] = f"{letters}{row}"
    return out


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip part of the sheet named `sheet` (xl/worksheets/sheet1.xml)."""
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rid = None
    for node in book.iterfind("m:sheets/m:sheet", _NS):
        if node.get("name") == sheet:
            rid = node.get(f"{{{_NS['r']}}}id")
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iterfind("p:Relationship", _NS):
        if rel.get("Id") == rid:
            target = rel.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None
