"""CSV that a spreadsheet opens as data, never as formulas (OWASP "CSV Injection").

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``, ``@SUM(...)``, DDE payloads). Such a
cell gets a leading single quote, which spreadsheets show as text. Plain numbers (``-12.5``,
``+3``, ``1e-3``) are left alone, and a cell already starting with a quote is not quoted twice,
so writing the same rows again changes nothing. Used by every CSV the facade writes: the batch
insights export and `connector backfill`'s file."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def safe_cell(value: Any) -> str:
    """``value`` as a CSV cell no spreadsheet will evaluate (booleans as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "" if value is None else str(value)
    if text.startswith(TRIGGERS) and not _NUMBER.match(text):
        return "'" + text
    return text


def write_rows(rows: Iterable[Iterable[Any]]) -> str:
    """Rows (the header first) as CSV text, every cell through `safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
