"""mdtdesk: offline desktop app for multidisciplinary-team meetings in GP practices."""

__version__ = "0.1.0"
