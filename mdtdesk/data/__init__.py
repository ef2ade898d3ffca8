"""Files the installed app ships beside its code: the desktop entry for Linux menus."""
