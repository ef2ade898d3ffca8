"""widgets screens."""
