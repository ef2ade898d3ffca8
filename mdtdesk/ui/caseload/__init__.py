"""caseload screens."""
