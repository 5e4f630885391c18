"""The ``corridor`` command line: one module per subcommand in :mod:`corridor.commands`."""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import json
import os
import re
import signal
import sys
import time

from corridor import __version__, console
from corridor.commands import COMMANDS
from corridor.errors import CorridorError, NoRoute, PlaceNotFound

EPILOG = """examples:
  corridor route PECHY CNSHA
  corridor route Rotterdam Singapore --avoid suez --json
  corridor route "-11.6,-77.3" Shanghai --geojson route.geojson
  corridor places chancai
  corridor -q matrix --origins - --destinations ports.csv --out - < origins.csv

global flags (before or after the command): -q/--quiet no progress bars or notes on stderr;
-v/--verbose also timings and the network used. With --json, an error is one JSON object on
stderr: {"error": {"code": "bad_input", "message": "...", "exit_code": 2}}, same exit code.
A FILE of '-' is stdin or stdout.
"""


# argparse takes only "-12" and "-1.5" for values; no option of corridor starts with a digit,
# a dot or "inf"/"nan", so coordinates such as "-11.6,-77.3" and numbers such as "-1e9" are values.
NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as JSON when the command line asks for ``--json``."""

    json_errors = False

    def error(self, message: str):
        if not _Parser.json_errors:
            super().error(message)
        _print_error("usage", f"{self.prog}: {message}", 2, as_json=True)
        self.exit(2)


class _Version(argparse.Action):
    """``--version``: the package version, and the network fingerprint this code builds or uses."""

    def __call__(self, parser, namespace, values, option_string=None):
        from corridor import network

        path = network.network_dir()
        state = f"built at {path}" if path.exists() else "not built yet (built on first use)"
        print(f"corridor {__version__}\nnetwork {network.fingerprint()} {state}")
        parser.exit()


def _add_verbosity(parser: argparse.ArgumentParser, top: bool) -> None:
    """-q/-v on ``parser`` and every parser below it, so they work before or after the command;
    below the top, the default is SUPPRESS so a flag given before the command is not reset."""
    default = False if top else argparse.SUPPRESS
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", default=default,
                       help="no progress bars or notes on stderr (errors still)")
    group.add_argument("-v", "--verbose", action="store_true", default=default,
                       help="also timings and the network used, on stderr")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_verbosity(child, top=False)


def _parser() -> tuple[argparse.ArgumentParser, dict]:
    p = _Parser(prog="corridor", description="Open multimodal trade-corridor planner.",
                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action=_Version, nargs=0, help="print the version and the network fingerprint")
    sub = p.add_subparsers(dest="command", required=True)
    modules = {name: importlib.import_module(f"corridor.commands.{name}") for name in COMMANDS}
    for module in modules.values():
        module.register(sub)
    for command in sub.choices.values():  # "-11.6,-77.3" and "-inf" are values, not options
        command._negative_number_matcher = NEGATIVE_VALUE
    _add_verbosity(p, top=True)
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


def _error_code(e: CorridorError) -> str:
    """``BadInput`` -> ``bad_input``: the error's class, as the JSON ``code``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(e).__name__).lower()


def _print_error(code: str, message: str, exit_code: int, *, as_json: bool, **details) -> int:
    """One line on stderr: ``corridor: error: ...``, or with ``--json`` one JSON object."""
    if as_json:
        doc = {"code": code, "message": message, "exit_code": exit_code, **details}
        print(json.dumps({"error": doc}, ensure_ascii=False), file=sys.stderr)
    else:
        text = {"internal_error": f"internal error {message}", "interrupted": "interrupted"}.get(code, f"error: {message}")
        print(f"corridor: {text}", file=sys.stderr)
    return exit_code


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the program itself, not a caller's in-process run
        # the interpreter's collections at exit walk every object numba and the network's
        # tables made: 0.5 s of CPU in a multimodal route's process; at exit they free nothing needed
        atexit.register(gc.freeze)
    argv = sys.argv[1:] if argv is None else list(argv)
    _Parser.json_errors = "--json" in argv
    parser, modules = _parser()
    args = parser.parse_args(argv)
    as_json = bool(getattr(args, "json", False))
    token = console.set_level(console.QUIET if args.quiet else console.VERBOSE if args.verbose else console.NORMAL)
    try:
        return _run(modules[args.command], args, as_json)
    finally:
        console.reset_level(token)


NETWORK_COMMANDS = ("route", "report", "matrix", "places", "serve")


def _load_network(command: str) -> None:
    """With -q or -v, load (or build) the network before the command does: the loader's own
    progress bars obey -q this way, and -v says which network answers and how long it took."""
    if command not in NETWORK_COMMANDS or console.level() == console.NORMAL:
        return
    from corridor.network import load_network

    started = time.perf_counter()
    net = load_network(progress=console.progress())
    console.detail(f"network {net.manifest['fingerprint']} at {net.path}, "
                   f"ready in {time.perf_counter() - started:.1f} s")


def _run(module, args, as_json: bool) -> int:
    started = time.perf_counter()
    try:
        _load_network(args.command)
        code = module.run(args)
        sys.stdout.flush()  # here, so a closed pipe is handled below and not at exit
        console.detail(f"{args.command} done in {time.perf_counter() - started:.1f} s")
        return code
    except CorridorError as e:
        details = ({"suggestions": e.suggestions} if isinstance(e, PlaceNotFound) else
                   {"cut_by": e.cut_by} if isinstance(e, NoRoute) else {})
        return _print_error(_error_code(e), str(e), e.exit_code, as_json=as_json, **details)
    except KeyboardInterrupt:
        return _print_error("interrupted", "", 130, as_json=as_json)
    except BrokenPipeError:
        return _stdout_closed()
    except Exception as e:  # a file the user named, else a bug: one line, traceback on request
        if os.environ.get("CORRIDOR_DEBUG"):
            raise
        if isinstance(e, OSError) and e.filename is not None:
            return _print_error("file_error", _file_error(e), 2, as_json=as_json)
        return _print_error("internal_error", f"({type(e).__name__}: {e}); please report it, and set "
                            "CORRIDOR_DEBUG=1 to see the traceback", 1, as_json=as_json)


if __name__ == "__main__":
    sys.exit(main())
