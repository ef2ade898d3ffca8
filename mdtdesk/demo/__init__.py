"""Synthetic demo data: invented people, 999-range NHS numbers, realistic shape."""
