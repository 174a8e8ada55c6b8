"""CSV and XLSX files of the generated clients, for the import benchmark (P1).

The same rows as the database, as a person would export them from another
system: one header row, the values as typed (phones in their many formats,
invalid tax ids included), the owner by e-mail, custom fields by name;
``ref`` is the source system's key (the row's id in the database), which is
what the duplicates' ground truth (``duplicates.csv``) names.
Written as the chunks come, so memory stays flat at any size: the CSV with
``csv.writer``, the XLSX with openpyxl's ``write_only`` mode (rows streamed
to the file, never held as a sheet in memory).
"""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ("ref", "name", "kind", "inn", "email", "phone", "address", "segment", "owner_email")
CSV_NAME = "clients.csv"
XLSX_NAME = "clients.xlsx"
TRUTH_NAME = "duplicates.csv"


def file_row(record: dict, owner_email: str) -> list[str]:
    return [str(record["id"]), record["name"], record["kind"], record["inn"], record["email"], record["phone"],
            record["address"], record["segment"], owner_email]


class ClientFiles:
    def __init__(self, folder: Path):
        from openpyxl import Workbook

        folder.mkdir(parents=True, exist_ok=True)
        self.paths = [folder / CSV_NAME, folder / XLSX_NAME, folder / TRUTH_NAME]
        self.csv_file = open(self.paths[0], "w", encoding="utf-8", newline="")
        self.csv = csv.writer(self.csv_file)
        self.csv.writerow(HEADER)
        self.truth_file = open(self.paths[2], "w", encoding="utf-8", newline="")
        self.truth = csv.writer(self.truth_file)
        self.truth.writerow(("original_id", "duplicate_id", "changes"))
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("clients")
        self.sheet.append(HEADER)

    def write(self, rows: list[list[str]], truth: list[tuple]) -> None:
        self.csv.writerows(rows)
        for row in rows:
            self.sheet.append(row)
        self.truth.writerows((str(a), str(b), c) for a, b, c in truth)

    def close(self) -> list[Path]:
        self.csv_file.close()
        self.truth_file.close()
        self.book.save(self.paths[1])
        return self.paths
