"""actions screens."""
