"""The practice caseload: list rows, CSV import and export."""
