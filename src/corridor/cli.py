"""The ``corridor`` command line: one module per subcommand in :mod:`corridor.commands`."""

from __future__ import annotations

import argparse
import importlib
import os
import re
import signal
import sys

from corridor.commands import COMMANDS
from corridor.errors import CorridorError

EPILOG = """examples:
  corridor route PECHY CNSHA
  corridor route Rotterdam Singapore --avoid suez --json
  corridor route "-11.6,-77.3" Shanghai --geojson route.geojson
  corridor places chancai
"""


# argparse takes only "-12" and "-1.5" for values; no option of corridor starts with a digit,
# a dot or "inf"/"nan", so coordinates such as "-11.6,-77.3" and numbers such as "-1e9" are values.
NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)


def _parser() -> tuple[argparse.ArgumentParser, dict]:
    p = argparse.ArgumentParser(prog="corridor", description="Open multimodal trade-corridor planner.",
                                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    modules = {name: importlib.import_module(f"corridor.commands.{name}") for name in COMMANDS}
    for module in modules.values():
        module.register(sub)
    for command in sub.choices.values():  # "-11.6,-77.3" and "-inf" are values, not options
        command._negative_number_matcher = NEGATIVE_VALUE
    return p, modules


def _stdout_closed() -> int:
    """The reader of stdout went away (``corridor places x | head -1``): stop quietly, as Unix
    tools do, and keep Python from complaining when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + signal.SIGPIPE


def _file_error(e: OSError) -> str:
    """``path: reason`` for a file the user named (missing, a folder, no permission, disk full)."""
    path = e.filename if e.filename2 is None else f"{e.filename} -> {e.filename2}"
    return f"{path}: {e.strerror or type(e).__name__}"


def main(argv: list[str] | None = None) -> int:
    parser, modules = _parser()
    args = parser.parse_args(argv)
    try:
        code = modules[args.command].run(args)
        sys.stdout.flush()  # here, so a closed pipe is handled below and not at exit
        return code
    except CorridorError as e:
        print(f"corridor: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("corridor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _stdout_closed()
    except Exception as e:  # a file the user named, else a bug: one line, traceback on request
        if os.environ.get("CORRIDOR_DEBUG"):
            raise
        if isinstance(e, OSError) and e.filename is not None:
            print(f"corridor: error: {_file_error(e)}", file=sys.stderr)
            return 2
        return _internal_error(e)


def _internal_error(e: Exception) -> int:
    print(f"corridor: internal error ({type(e).__name__}: {e}); please report it, "
          "and set CORRIDOR_DEBUG=1 to see the traceback", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
