"""The home screen: where the practice stands, and whether the MDT makes a difference."""
