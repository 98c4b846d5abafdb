"""``python -m scalesim.cli``: the command-line interface."""

import sys

try:
    from scalesim.cli import main
except KeyboardInterrupt:  # Ctrl-C while the interpreter imports the CLI itself
    print("scalesim: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
