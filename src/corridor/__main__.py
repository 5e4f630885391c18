"""``python -m corridor``: the command line."""

import sys

from corridor.cli import main

if __name__ == "__main__":
    sys.exit(main())
