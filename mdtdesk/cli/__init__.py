"""The `mdtdesk` command line (a contract: scripts and hub staff rely on these names)."""
