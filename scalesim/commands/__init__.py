"""CLI subcommands, one module each (see scalesim.cli)."""
