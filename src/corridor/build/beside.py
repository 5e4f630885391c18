"""Build stages run beside the main build, on the second core, in a child process.

``python -m corridor.build.beside TASK FOLDER PARENT_PID`` reads its inputs from and writes its
answer to ``FOLDER`` as ``.npy`` files (no pickles, nothing shared), then exits. A plain
child interpreter rather than a ``multiprocessing`` worker: those import the parent's main
script again, and a user's script that calls :func:`corridor.route` at its top level would
then wait forever for the build lock its own parent holds. The child ends with its parent
(:func:`corridor.worker_processes.end_with_parent`), so a killed build leaves none behind.
Not part of the network's fingerprint: it only carries arrays the fingerprinted stages compute
(the network is byte for byte the one built in one process).

Tasks:

``land``
    :func:`corridor.build.intermodal.read_land_layers`, written as ``<layer>_xy.npy`` and
    ``<layer>_edges.npy``.
``sea-landmarks``
    :func:`corridor.build.landmarks.select_landmarks` on ``csr_indptr``, ``csr_head``,
    ``csr_edge``, ``sea_km`` and ``node_joinable``; distances written as ``landmark_km_sea.npy``.
"""

from __future__ import annotations

import errno
import os
import site
import subprocess
import sys
import traceback
from pathlib import Path

import numpy as np


def _land(folder: Path) -> None:
    from corridor.build.intermodal import read_land_layers

    for layer, (xy, edges) in read_land_layers().items():
        np.save(folder / f"{layer}_xy.npy", xy)
        np.save(folder / f"{layer}_edges.npy", edges)


def _sea_landmarks(folder: Path) -> None:
    from corridor.build.landmarks import select_landmarks

    inputs = (np.load(folder / f"{name}.npy") for name in ("csr_indptr", "csr_head", "csr_edge", "sea_km",
                                                            "node_joinable"))
    np.save(folder / "landmark_km_sea.npy", select_landmarks(*inputs)[1])


TASKS = {"land": _land, "sea-landmarks": _sea_landmarks}
# Out of disk or not allowed to write: a child exits with DISK_EXIT + the errno (all under 130,
# and apart from Python's own exit codes: 1 is also EPERM's errno)
DISK_ERRORS = frozenset((errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR))
DISK_EXIT = 100


class Beside:
    """One task started in a child process; :meth:`wait` for it, :meth:`kill` it if not needed.
    Where no child can run it (no interpreter to start, or one that fails other than for want
    of disk), :meth:`wait` runs the task in this process: the same answer, on one core."""

    def __init__(self, task: str, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.task, self.folder = task, folder
        self.log = folder / f"{task}.log"
        env = dict(os.environ)
        # this very corridor, even when the caller found it through sys.path rather than an
        # install (an installed one is found anyway: its site-packages must not go before the
        # standard library, as PYTHONPATH's folders do)
        here = Path(__file__).resolve().parents[2]
        if here not in {Path(p).resolve() for p in site.getsitepackages()}:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(here), os.environ.get("PYTHONPATH"))))
        try:
            with open(self.log, "wb") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "corridor.build.beside", task, str(folder), str(os.getpid())],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, close_fds=True, env=env)
        except OSError as e:
            if e.errno in DISK_ERRORS:
                raise
            self.process = None

    def wait(self) -> Path:
        """The folder holding the answer, once the child has written it. A child that ran out
        of disk raises that :class:`OSError` here (the build says what to free)."""
        code = None if self.process is None else self.process.wait()
        if code is not None and code - DISK_EXIT in DISK_ERRORS:
            raise OSError(code - DISK_EXIT, os.strerror(code - DISK_EXIT), str(self.folder))
        if code != 0:
            TASKS[self.task](self.folder)
        return self.folder

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def read_land(folder: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """What the ``land`` task wrote into ``folder``, as :func:`read_land_layers` returns it."""
    from corridor.build.intermodal import LAND_LAYERS

    return {layer: (np.load(folder / f"{layer}_xy.npy"), np.load(folder / f"{layer}_edges.npy"))
            for layer in LAND_LAYERS}


def main(argv: list[str]) -> int:
    task, folder, parent = argv
    from corridor.worker_processes import end_with_parent

    end_with_parent(int(parent))
    try:
        TASKS[task](Path(folder))
    except OSError as e:
        if e.errno in DISK_ERRORS:  # the parent raises it again: the build names the folder to free
            traceback.print_exc()
            return DISK_EXIT + e.errno
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
