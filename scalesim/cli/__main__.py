"""``python -m scalesim.cli``: the command-line interface."""

import sys

from scalesim.cli import main

sys.exit(main())
