"""The caseload list and CSV import."""
