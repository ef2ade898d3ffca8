"""Shared parts only: the store worker and its change flags, form parts, windows, dialogs."""
