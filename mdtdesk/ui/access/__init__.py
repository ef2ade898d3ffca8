"""Unlocking, the first-run wizard, recovery and passphrases."""
