"""meetings screens."""
