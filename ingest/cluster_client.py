"""`clean`'s cluster options, reaching a Dask scheduler within a deadline, and sizing a local
cluster to the machine (what `clean` needs of the cluster before a cluster run: click and the
standard library only; ingest/cluster.py is imported when a cluster run starts).

Dask's own `timeout` does not bound every wait: its client polls for a missing scheduler
file without end, and a server that accepts the connection but speaks no Dask (an HTTP
server, say) is waited on for ever. `connect` runs the client's start in a thread of its
own and gives up at the deadline.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

# Inputs (page files or WARC records) per task: large enough that Dask's per-task cost
# (a few ms) is small beside extraction (~3 ms a page), small enough to spread the work.
INPUTS_PER_TASK = 256
# Seconds a cluster run waits for its scheduler, at most.
CONNECT_TIMEOUT_S = 30.0
# Dask's own timeout is this much shorter, so that its clearer error comes first when it can.
DASK_MARGIN_S = 5.0


def connect(make_client: Callable[[float], Any], address: str) -> Any:
    """`make_client(timeout)` (a started dask Client, given Dask's timeout), or TimeoutError
    when it has not returned within CONNECT_TIMEOUT_S. The thread left waiting is a daemon:
    it does not keep the process alive."""
    outcome: dict[str, Any] = {}

    def start() -> None:
        try:
            outcome["client"] = make_client(max(1.0, CONNECT_TIMEOUT_S - DASK_MARGIN_S))
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=start, name="dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT_S)
    if thread.is_alive():
        raise TimeoutError(no_answer(address))
    if "error" in outcome:
        raise outcome["error"]
    return outcome["client"]


def no_answer(address: str) -> str:
    """Why a scheduler did not answer in time, as far as can be seen from here."""
    waited = f"{CONNECT_TIMEOUT_S:g} s"
    if address.endswith(".json") and not Path(address).exists():
        return f"the scheduler file does not exist (waited {waited} for it to appear)"
    return f"no Dask scheduler answered there within {waited}"


def local_workers(requested: int | None) -> int:
    """The worker processes of `--cluster local`: as many as asked, at most the cores (each
    worker is a process with its own memory; more only compete for the same cores)."""
    cores = os.cpu_count() or 1
    if requested is None:
        return cores
    if requested > cores:
        click.echo(f"--workers {requested}: using {cores}, the cores of this machine", err=True)
        return cores
    return requested


def cluster_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The `clean` options of a cluster run."""
    options = [
        click.option(
            "--cluster",
            metavar="ADDRESS",
            help="Extract on a Dask cluster: `local` (a LocalCluster), a scheduler "
            "address (tcp://host:8786) or a scheduler file (.json).",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            help="Worker processes of `--cluster local` (default and most: the cores).",
        ),
        click.option(
            "--shards",
            metavar="URL",
            help="Folder (fsspec URL) for the Parquet shards before the merge "
            "(default: DB.shards; deleted after the merge).",
        ),
        click.option(
            "--out",
            metavar="URL",
            help="Write the Parquet shards here and keep them, without merging into --db.",
        ),
        click.option(
            "--task-inputs",
            type=click.IntRange(min=1),
            default=INPUTS_PER_TASK,
            show_default=True,
            help="Inputs (files or WARC records) per cluster task.",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn
