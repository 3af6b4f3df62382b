"""Reports to files: CSV streamed row by row, XLSX written row by row (openpyxl write-only), both in constant memory."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); tab and CR too (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(
    header: list[str], rows: Iterable[tuple], counter: list[int], rows_per_chunk: int = 500
) -> Iterator[str]:
    """CSV text in chunks of `rows_per_chunk` rows; `counter[0]` holds how many rows have gone out."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        counter[0] += 1
        if counter[0] % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(header: list[str], rows: Iterable[tuple]) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """The rows as an XLSX workbook in a temporary file (rewound), and how many rows it holds."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Report")
    sheet.append(header)
    count = 0
    for row in rows:
        # openpyxl writes text as text (never as a formula) unless it starts with "=": escape alike for safety.
        sheet.append([safe_cell(v) for v in row])
        count += 1
    # Handed open to send_file, which closes it once the response is sent.
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output, count
