"""Personalised care and support plans (PRSB): content, versions, comparison, FHIR."""
