"""The sync tab and the hub's conflict and duplicate queues."""
