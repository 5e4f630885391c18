"""Build stages run beside the main build, on the second core, in a child process.

``python -m corridor.build.beside TASK FOLDER PARENT_PID`` reads its inputs from and writes its
answer to ``FOLDER`` as ``.npy`` files (no pickles, nothing shared), then exits. A plain
child interpreter rather than a ``multiprocessing`` worker: those import the parent's main
script again, and a user's script that calls :func:`corridor.route` at its top level would
then wait forever for the build lock its own parent holds. The child ends with its parent
(:func:`corridor.worker_processes.end_with_parent`), so a killed build leaves none behind.

Tasks:

``land``
    :func:`corridor.build.intermodal.read_land_layers`, written as ``<layer>_xy.npy`` and
    ``<layer>_edges.npy``.
``sea-landmarks``
    :func:`corridor.build.landmarks.select_landmarks` on ``csr_indptr``, ``csr_head``,
    ``csr_edge``, ``sea_km`` and ``node_joinable``; distances written as ``landmark_km_sea.npy``.
"""

from __future__ import annotations

import os
import subprocess
import sys
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


class Beside:
    """One task started in a child process; :meth:`wait` for it, :meth:`kill` it if not needed."""

    def __init__(self, task: str, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.log = folder / f"{task}.log"
        # this very corridor, even when the caller found it through sys.path rather than an install
        here = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (here, os.environ.get("PYTHONPATH")))))
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "corridor.build.beside", task, str(folder), str(os.getpid())],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, close_fds=True, env=env)

    def wait(self) -> Path:
        """The folder holding the answer, once the child has written it."""
        if self.process.wait() != 0:
            raise RuntimeError(f"a network build stage beside the main one failed:\n"
                               f"{self.log.read_text(errors='replace')[-2000:]}")
        return self.folder

    def kill(self) -> None:
        if self.process.poll() is None:
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
    TASKS[task](Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
