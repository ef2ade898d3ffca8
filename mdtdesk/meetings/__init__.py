"""MDT meetings: scheduling, the agenda and its proposal rules, meeting mode, minutes."""
