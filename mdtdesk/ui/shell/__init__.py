"""The main window, the workspace's tabs, menus, locking and Help."""
