"""careplan screens."""
