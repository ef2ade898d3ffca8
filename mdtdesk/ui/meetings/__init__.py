"""Meetings, the agenda builder, meeting mode and the meeting papers."""
