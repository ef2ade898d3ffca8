"""shell screens."""
