"""Checks before a table is sent to a Dask cluster: reachable, and every worker computes what we would.

A worker with another corridor version or other network sources would return different
figures under the same table; a worker without the compiled network would spend a minute
(and 550 MB) building it inside a task, once per worker process. Both are refused up front,
with the way out, instead.
"""

from __future__ import annotations

from corridor.errors import CorridorError

CONNECT_TIMEOUT_S = 3.0  # a scheduler that does not answer in this time is reported as unreachable


class ClusterMismatch(CorridorError):
    """The Dask cluster cannot compute this table as this machine would (exit 2)."""


def worker_state() -> dict:
    """Run on each worker: its corridor version, network fingerprint and whether the
    compiled network is already in its cache (looked up, never built)."""
    from corridor import __version__
    from corridor.network import fingerprint, network_dir

    path = network_dir()
    return {"version": __version__, "fingerprint": fingerprint(), "cache": str(path.parent),
            "network": (path / "manifest.json").is_file()}


def connect(distributed, address, timeout_s: float = CONNECT_TIMEOUT_S):
    """A Dask client for ``address`` (or a LocalCluster), or :class:`ClusterMismatch` if the
    scheduler does not answer within ``timeout_s`` seconds."""
    try:
        return distributed.Client(address, timeout=timeout_s)
    except (OSError, TimeoutError) as e:  # distributed raises OSError("Timed out trying to connect ...")
        raise ClusterMismatch(f"cannot reach the Dask scheduler at {address} within {timeout_s:g} s ({e}). "
                              "Check the address (tcp://HOST:8786) and that `dask scheduler` is running "
                              "there.") from None


def check_cluster(client) -> None:
    """Ask every worker for :func:`worker_state` and refuse the cluster if one differs from here."""
    answers = client.run(worker_state, on_error="return")
    check_answers(answers, worker_state_here())


def worker_state_here() -> dict:
    """This process's version and fingerprint (its own compiled network is not needed)."""
    from corridor import __version__
    from corridor.network import fingerprint

    return {"version": __version__, "fingerprint": fingerprint()}


def check_answers(answers: dict, here: dict) -> None:
    """Raise :class:`ClusterMismatch` naming the workers that cannot compute the table.

    Parameters
    ----------
    answers
        Worker address -> :func:`worker_state` dict, or the exception the worker raised.
    here
        ``{"version": ..., "fingerprint": ...}`` of the submitting process.
    """
    if not answers:
        raise ClusterMismatch("the Dask scheduler has no workers; start some with `dask worker ADDRESS`.")
    broken = {w: a for w, a in answers.items() if isinstance(a, BaseException)}
    if broken:
        raise ClusterMismatch(
            "these Dask workers cannot run corridor's check (corridor missing, or older than this "
            f"version {here['version']}): "
            + "; ".join(f"{w}: {type(e).__name__}: {e}" for w, e in sorted(broken.items()))
            + f". Install corridor {here['version']} on every worker.")
    differ = {w: a for w, a in answers.items()
              if (a["version"], a["fingerprint"]) != (here["version"], here["fingerprint"])}
    if differ:
        raise ClusterMismatch(
            f"these Dask workers differ from this machine (corridor {here['version']}, network "
            f"{here['fingerprint']}): "
            + "; ".join(f"{w}: corridor {a['version']}, network {a['fingerprint']}" for w, a in sorted(differ.items()))
            + f". Install corridor {here['version']} (same data packages) on every worker, so every "
              "block is computed on the same network.")
    missing = sorted(w for w, a in answers.items() if not a["network"])
    if missing:
        caches = sorted({answers[w]["cache"] for w in missing})
        raise ClusterMismatch(
            f"these Dask workers have no compiled network yet: {', '.join(missing)} (cache: {', '.join(caches)}). "
            "Run `corridor network` once on each worker machine, or point CORRIDOR_CACHE_DIR on the "
            "workers to shared storage holding a built network; workers do not build it inside a task.")
