"""The worklist, the action screen, contacts, coordinators and services."""
