"""Printed papers (reportlab): meeting agendas, minutes and outcome summaries."""
