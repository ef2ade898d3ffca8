"""The care plan tab, editor and its dialogs."""
