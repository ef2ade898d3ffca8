"""record screens."""
