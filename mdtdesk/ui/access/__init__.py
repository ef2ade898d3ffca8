"""access screens."""
