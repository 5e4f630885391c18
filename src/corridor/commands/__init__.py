"""One module per ``corridor`` subcommand, each with ``register(subparsers)`` and ``run(args)``.

To add a command: write ``commands/NAME.py`` and list it in :data:`COMMANDS`.
"""

COMMANDS = ("route", "report", "places", "network", "reports", "serve", "matrix", "data")
