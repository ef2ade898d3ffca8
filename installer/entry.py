"""The frozen app's entry point: the same as the `mdtdesk` command."""

import sys

from mdtdesk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
