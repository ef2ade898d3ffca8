"""Sync with a locality hub by file: enrolment, export, import, merge, queues."""
