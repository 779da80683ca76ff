"""`clean --cluster`: extraction on a Dask cluster into Parquet shards, merged into SQLite.

The inputs are split into tasks in input order: runs of page files, and WARC archives cut
into ranges of records (each archive's record offsets are found by a task of its own).
A task reads and extracts its inputs with `read_job` and `extract_read`, exactly as a local
clean does, and writes two Parquet shards: `articles-NNNNNN.parquet` (the article rows) and,
last, as the mark that the task is complete, `inputs-NNNNNN.parquet` (every input's outcome,
in order). A task that Dask runs again (its worker died) rewrites the same two files, so no
row is doubled.

A task also keeps, with each article row, what the derived indexes need of it (the search
index's bigram and character text, the story signature: `store.derive`, as clean's workers
compute it), so that the merge does no text work of its own.

The client merges the shards in task order through `store_batch`, WRITE_SIZE inputs per
transaction like a local clean: same keys, merge rules, `inputs` rows and derived indexes, so
the database is the one a local clean gives. Into a database with no article yet, the search
and story indexes are built meanwhile by processes of their own and written in at the end
(db/aside.py: the same rows, stories and search results), and the shards are read ahead by
a process of their own (read_ahead). The shards stay until the merge has finished;
a rerun with the same inputs reuses the complete ones and only runs the missing tasks.

Safety: the shard folder holds a marker file (MARKER); a non-empty folder without it is the
user's and is refused, and only the names this module writes are ever deleted. One cluster
run at a time merges into a database (an exclusive lock on the file; a second run waits).
Reused shards whose "unchanged" inputs the database does not hold (it was replaced) are run
again, and every planned task's shard must be visible to the client before the merge, which
reads the planned shards only.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsclean.db.aside import indexes_aside
from newsclean.db.stages import INDEXES
from newsclean.db.store import (
    ARTICLE_COLUMNS,
    DerivedIndex,
    derivations_of,
    known_input,
    pack_derived,
    unpack_derived,
)
from newsclean.extract.profiles import sample_from_json, sample_to_json
from newsclean.ingest.cluster_client import connect, local_workers
from newsclean.ingest.inputs import InputFile, display_path, find_inputs
from newsclean.ingest.pipeline import (
    WRITE_SIZE,
    Extracted,
    FileJob,
    Job,
    Outcome,
    Summary,
    extract_read,
    is_disk_full,
    read_job,
    store_batch,
)
from newsclean.ingest.profiling import learn_from_results
from newsclean.ingest.remote import RemoteFile, is_url
from newsclean.ingest.select import Selection
from newsclean.ingest.sources import batches, prepare_archive
from newsclean.ingest.warc import is_warc, read_archive

if TYPE_CHECKING:
    from newsclean.db.writable import CorpusDatabase

SHARD_COLUMNS = [c for c in ARTICLE_COLUMNS if c not in ("id", "extracted_at")]
INPUT_SHARD_COLUMNS = ["seq", "path", "sha256", "status", "error", "site"]
PLAN_FILE = "plan.json"
# In every shard folder this module made: what lets it take the folder over, or delete it.
MARKER = ".newsclean-shards"
# The names this module writes in a shard folder (shards, their temporary files, the plan).
_WRITTEN_RE = re.compile(
    r"(?:(?:articles|inputs)-\d{6}\.parquet|\.(?:articles|inputs)-\d{6}\.parquet\.[0-9a-f]{32}\.part"
    r"|plan\.json)"
)


class ClusterError(click.ClickException):
    """The cluster run could not finish (no Dask, an unreachable scheduler, a task error)."""


@dataclass
class Task:
    """One unit of work: page files, or the records of one archive in [start, stop)."""

    number: int
    files: list[str] = field(default_factory=list)
    archive: str | None = None
    start: int = 0
    stop: int | None = None


@dataclass
class TaskInput:
    """What a worker needs for a task: the task, URLs and known digests of its inputs."""

    task: Task
    out: str
    site: str | None
    force: bool
    urls: dict[str, str]
    known: dict[str, str]  # input path -> sha256 already cleaned (skipped as unchanged)
    observe: bool = True  # a page's sample for its host's profile goes in the shard


# --------------------------------------------------------------------------- workers


def as_input(name: str) -> InputFile:
    """A task's file name back as what reads it: a RemoteFile for URLs, else a Path."""
    return RemoteFile(name) if is_url(name) else Path(name)


def record_offsets(archive: str) -> list[int]:
    """The start of every record of an archive, broken ones included ([0] if unreadable:
    the task then reports the archive as failed)."""
    try:
        return [item.offset for item in read_archive(as_input(archive))]
    except OSError:
        return [0]


def task_items(spec: TaskInput) -> Iterator[Job | Outcome]:
    """The task's inputs read and hashed, unchanged ones as Outcomes, in input order."""
    task = spec.task
    if task.archive:
        for item in prepare_archive(None, as_input(task.archive), spec.site, True, task.start, task.stop):
            if isinstance(item, Job) and not spec.force and spec.known.get(item.path) == item.digest:
                yield Outcome(item.path, "unchanged")
            else:
                yield item
        return
    for f in task.files:
        name = display_path(Path(f))
        known = None if spec.force else spec.known.get(name)
        yield read_job(FileJob(Path(f), name, spec.urls.get(f), spec.site, known))


def run_task(spec: TaskInput) -> int:
    """Extract a task's inputs and write its two shards; the number of inputs."""
    import pyarrow as pa

    articles: list[dict[str, Any]] = []
    inputs: list[dict[str, Any]] = []
    for seq, item in enumerate(task_items(spec)):
        if isinstance(item, Outcome):
            inputs.append(
                {
                    "seq": seq,
                    "path": item.path,
                    # an unchanged input keeps the digest it was judged by (see stale_tasks)
                    "sha256": spec.known.get(item.path, "") if item.status == "unchanged" else "",
                    "status": item.status,
                    "error": item.error,
                    "site": None,
                }
            )
            continue
        # a shard keeps the row, what the indexes derive of it and the sample (the merge learns)
        done = extract_read(item, INDEXES, observe=spec.observe)
        if done.row is None:
            inputs.append(
                {
                    "seq": seq,
                    "path": done.path,
                    "sha256": done.digest,
                    "status": "failed",
                    "error": done.error,
                    "site": None,
                }
            )
            continue
        sample = sample_to_json(done.sample) if done.sample else None
        derived = pack_derived(done.derived or [])
        articles.append(
            {"seq": seq, **{c: done.row.get(c) for c in SHARD_COLUMNS}, "sample": sample, "derived": derived}
        )
        inputs.append(
            {
                "seq": seq,
                "path": done.path,
                "sha256": done.digest,
                "status": "extracted",
                "error": None,
                "site": done.row.get("site"),
            }
        )
    article_schema = pa.schema(
        [
            ("seq", pa.int64()),
            *((c, pa.string()) for c in [*SHARD_COLUMNS, "sample"]),
            ("derived", pa.list_(pa.binary())),
        ]
    )
    input_schema = pa.schema([("seq", pa.int64()), *((c, pa.string()) for c in INPUT_SHARD_COLUMNS[1:])])
    number = spec.task.number
    write_shard(spec.out, f"articles-{number:06d}.parquet", pa.Table.from_pylist(articles, article_schema))
    write_shard(spec.out, f"inputs-{number:06d}.parquet", pa.Table.from_pylist(inputs, input_schema))
    return len(inputs)


def write_shard(out: str, name: str, table: Any) -> None:
    """Write a Parquet file under a temporary name, then move it into place."""
    import pyarrow.parquet as pq

    fs, root = shard_fs(out)
    temp = f"{root}/.{name}.{uuid.uuid4().hex}.part"
    with fs.open(temp, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
    fs.mv(temp, f"{root}/{name}")


def shard_fs(out: str) -> tuple[Any, str]:
    """The fsspec filesystem and root path of a shard folder URL (a plain path is local)."""
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(out)
    return fs, root.rstrip("/")


# --------------------------------------------------------------------------- client


@contextlib.contextmanager
def dask_client(address: str, workers: int | None) -> Iterator[Any]:
    """A Dask client: `local` starts a LocalCluster of `workers` single-thread processes,
    a path ending in .json is a scheduler file, anything else a scheduler address."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError("--cluster needs Dask and pyarrow: python -m pip install -e '.[cluster]'") from exc
    connected = False  # past it, an error comes from the work done with the client
    try:
        if address == "local":
            cluster = LocalCluster(
                n_workers=local_workers(workers),
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            with cluster, Client(cluster) as client:
                connected = True
                yield client
        else:
            if address.endswith(".json"):
                check_scheduler_file(Path(address))
                options = {"scheduler_file": address}
            else:
                options = {"address": address}
            with connect(lambda timeout: Client(**options, timeout=timeout), address) as client:
                connected = True
                yield client
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: no address Dask can read
        if connected:
            raise
        raise ClusterError(f"cannot reach the Dask scheduler {address}: {exc}") from exc


def check_scheduler_file(path: Path) -> None:
    """Refuse a scheduler file that exists but is no Dask scheduler file (Dask would fail on
    it with an AssertionError or a TypeError); a missing one is waited for by Dask."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ClusterError(f"{display_path(path)}: not a Dask scheduler file ({exc})") from exc
    if not isinstance(info, dict) or not isinstance(info.get("address"), str):
        raise ClusterError(f'{display_path(path)}: not a Dask scheduler file (no "address" string)')


def plan_tasks(client: Any, files: list[InputFile], per_task: int) -> list[Task]:
    """Tasks in input order: runs of up to `per_task` page files, and record ranges."""
    archives = [str(f) for f in files if is_warc(f)]
    offsets = dict(zip(archives, client.gather(client.map(record_offsets, archives, pure=False))))
    tasks: list[Task] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            tasks.append(Task(len(tasks), files=list(run)))
            run.clear()

    for path in map(str, files):
        if not is_warc(path):
            run.append(path)
            if len(run) == per_task:
                flush()
            continue
        flush()
        starts = offsets[path]
        for i in range(0, len(starts), per_task):
            stop = starts[i + per_task] if i + per_task < len(starts) else None
            tasks.append(Task(len(tasks), archive=path, start=starts[i], stop=stop))
    flush()
    return tasks


def plan_document(tasks: list[Task], site: str | None, force: bool) -> dict[str, Any]:
    """What identifies a run's shards: its tasks, options, and each input file's size and time."""
    stats: dict[str, list[int] | None] = {}
    for task in tasks:
        for path in task.files or [task.archive or ""]:
            try:
                if is_url(path):
                    stats[path] = RemoteFile(path).identity()
                else:
                    info = os.stat(path)
                    stats[path] = [info.st_size, info.st_mtime_ns]
            except OSError:  # RemoteError too
                stats[path] = None
    return {"version": 1, "site": site, "force": force, "tasks": [asdict(t) for t in tasks], "files": stats}


def folder_names(fs: Any, root: str) -> list[str]:
    """The names in a shard folder."""
    return [p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(root, detail=False)]


def claim_shard_folder(out: str) -> None:
    """Make the shard folder, or take over one this module made (it holds MARKER).

    A file, or a non-empty folder without the marker (the user's own), is refused.
    """
    fs, root = shard_fs(out)
    try:
        if fs.isfile(root):
            raise ClusterError(f"the shard folder {out} is a file; give a folder for --out/--shards")
        names = folder_names(fs, root) if fs.isdir(root) else []
        if names and MARKER not in names:
            raise ClusterError(
                f"the shard folder {out} is not empty and was not made by newsclean "
                f"(no {MARKER} in it); give a new or empty folder"
            )
        fs.makedirs(root, exist_ok=True)
        if MARKER not in names:
            fs.pipe(f"{root}/{MARKER}", b"Parquet shards of `newsclean clean --cluster`\n")
    except OSError as exc:
        raise ClusterError(f"cannot use the shard folder {out}: {exc}") from exc


def prepare_shards(out: str, plan: dict[str, Any]) -> set[int]:
    """Make the claimed shard folder ready for `plan`; the tasks whose shards a previous run
    of the same plan completed (the other shards it wrote are removed)."""
    fs, root = shard_fs(out)
    plan_path = f"{root}/{PLAN_FILE}"
    if read_plan(fs, plan_path) == plan:
        return {n for n in range(len(plan["tasks"])) if task_shards_readable(fs, root, n)}
    remove_written(fs, root)
    with fs.open(plan_path, "wb") as fh:
        fh.write(json.dumps(plan).encode("utf-8"))
    return set()


def task_shards_readable(fs: Any, root: str, number: int) -> bool:
    """True when both shards of task `number` are there and read as Parquet: a shard cut
    short (a killed writer, a full disk) or missing makes the task run again."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for kind in ("inputs", "articles"):
        path = f"{root}/{kind}-{number:06d}.parquet"
        try:
            with fs.open(path, "rb") as fh:
                pq.read_metadata(pa.BufferReader(fh.read()))
        except (OSError, ValueError, pa.ArrowException):  # absent, cut short, not Parquet
            return False
    return True


def read_plan(fs: Any, plan_path: str) -> Any:
    """The plan a shard folder holds (None when it has none, or it is unreadable)."""
    if not fs.exists(plan_path):
        return None
    with fs.open(plan_path, "rb") as fh:
        try:
            return json.loads(fh.read())
        except ValueError:
            return None


def planned_tasks(out: str) -> list[Task]:
    """The tasks of the plan a shard folder holds (none without a readable plan)."""
    fs, root = shard_fs(out)
    plan = read_plan(fs, f"{root}/{PLAN_FILE}")
    return [Task(**t) for t in plan["tasks"]] if isinstance(plan, dict) else []


def remove_written(fs: Any, root: str) -> None:
    """Delete what this module wrote in a shard folder (shards, temporary files, the plan)."""
    for name in folder_names(fs, root):
        if _WRITTEN_RE.fullmatch(name):
            fs.rm(f"{root}/{name}")


def stale_tasks(db: CorpusDatabase | None, out: str, numbers: set[int]) -> set[int]:
    """The reused tasks with an input marked unchanged that `db` does not hold with that
    digest: the shards were made against another database (or before it was replaced)."""
    fs, root = shard_fs(out)
    stale = set()
    for number in numbers:
        for item in read_shard(fs, f"{root}/inputs-{number:06d}.parquet"):
            if item["status"] == "unchanged" and (
                db is None or not known_input(db, item["path"], item["sha256"])
            ):
                stale.add(number)
                break
    return stale


def check_shards_visible(out: str, tasks: list[Task]) -> None:
    """Every task's shards are where the client reads them; a clear error if not."""
    fs, root = shard_fs(out)
    missing = [t.number for t in tasks if not fs.exists(f"{root}/inputs-{t.number:06d}.parquet")]
    if missing:
        raise ClusterError(
            f"the shards of {len(missing)} of {len(tasks)} tasks are not in {out} as this "
            "machine sees it: the workers wrote them where it cannot read (memory://, or a "
            "path not shared with them); give --shards/--out a folder both can reach"
        )


def known_digests(db: CorpusDatabase | None, task: Task) -> dict[str, str]:
    """path -> sha256 of the task's inputs already cleaned."""
    if db is None:
        return {}
    done = "status in ('cleaned', 'unchanged')"
    if not task.archive:
        names = [display_path(f) for f in task.files]
        found: dict[str, str] = {}
        for part in batches(names, 500):
            found.update(
                db.execute(
                    f"select path, sha256 from inputs where {done} and path in "
                    f"({', '.join('?' * len(part))})",
                    part,
                ).fetchall()
            )
        return found
    prefix = display_path(task.archive) + "#"
    found = {}
    for path, digest in db.execute(
        f"select path, sha256 from inputs where {done} and substr(path, 1, ?) = ?", [len(prefix), prefix]
    ):
        offset = path[len(prefix) :]
        if offset.isdigit() and task.start <= int(offset) and (task.stop is None or int(offset) < task.stop):
            found[path] = digest
    return found


def extract_on_cluster(
    client: Any,
    tasks: list[Task],
    out: str,
    *,
    db: CorpusDatabase | None,
    urls: dict[Path, str],
    site: str | None,
    force: bool,
    observe: bool = True,
) -> None:
    """Run the tasks whose shards are missing (`observe`: with the pages' samples for the
    hosts' profiles); a progress bar of tasks on a terminal."""
    from dask.distributed import as_completed

    done = prepare_shards(out, plan_document(tasks, site, force))
    done -= stale_tasks(db, out, done)
    if done:
        click.echo(
            f"reusing the shards of {len(done)} of {len(tasks)} tasks from an unfinished run", err=True
        )
    url_of = {str(p): u for p, u in urls.items()}
    specs = [
        TaskInput(
            t,
            out,
            site,
            force,
            {f: url_of[f] for f in t.files if f in url_of},
            {} if force else known_digests(db, t),
            observe,
        )
        for t in tasks
        if t.number not in done
    ]
    futures = client.map(run_task, specs, pure=False)
    bar = (
        click.progressbar(length=len(specs), label="extracting (tasks)", file=sys.stderr)
        if sys.stderr.isatty() and specs
        else None
    )
    try:
        for future in as_completed(futures):
            try:
                future.result()
            except Exception as exc:
                raise ClusterError(f"a cluster task failed: {type(exc).__name__}: {exc}") from exc
            if bar:
                bar.update(1)
    finally:
        if bar:
            bar.render_finish()
        client.cancel(futures)
    check_shards_visible(out, tasks)


def read_shard(fs: Any, path: str) -> list[dict[str, Any]]:
    """A shard's rows. Its bytes are read first, and parsed on this thread: pyarrow's
    read-ahead and thread-pool threads could still be running at exit and abort the process
    ("terminate called without an active exception"). The client reads its shards in
    read_ahead's process, which ends without running C++ destructors (os._exit)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with fs.open(path, "rb") as fh:
        data = fh.read()
    return pq.read_table(pa.BufferReader(data), use_threads=False).to_pylist()


def shard_items(
    out: str, tasks: list[Task], indexes: tuple[DerivedIndex, ...] = (), samples: bool = False
) -> Iterator[Extracted | Outcome]:
    """Every input of the tasks' shards, in task and input order, as store_batch takes them
    (only the planned shards: nothing else in the folder is read), with what the workers
    derived when `indexes` need the same (the derivations of INDEXES), and with their samples
    for the hosts' profiles when `samples` (the merge needs none: parsing them is a quarter
    of its own CPU)."""
    fs, root = shard_fs(out)
    same_work = derivations_of(indexes) == derivations_of(INDEXES)
    for task in tasks:
        inputs = read_shard(fs, f"{root}/inputs-{task.number:06d}.parquet")
        rows = {r.pop("seq"): r for r in read_shard(fs, f"{root}/articles-{task.number:06d}.parquet")}
        for item in inputs:
            if item["status"] == "extracted":
                row = rows[item["seq"]]
                sample = row.pop("sample", None)
                packed = row.pop("derived", None)
                derived = unpack_derived(packed, indexes) if packed and same_work else None
                yield Extracted(
                    item["path"],
                    item["sha256"],
                    row=row,
                    derived=derived,
                    sample=sample_from_json(sample) if sample and samples else None,
                )
            elif item["status"] == "failed" and item["sha256"]:  # extraction failed
                yield Extracted(item["path"], item["sha256"], error=item["error"])
            else:  # unchanged, skipped, or failed before extraction (unreadable, broken record)
                yield Outcome(item["path"], item["status"], error=item["error"])


def read_ahead(items: Callable[[], Iterator[Any]], size: int = WRITE_SIZE) -> Iterator[Any]:
    """The items of items(), made by a process of its own while the caller writes the ones
    before (reading and decoding the shards is a quarter of the merge's CPU): lists of
    `size` through a pipe, which holds the process back while one is waiting. Its error is
    raised here; the process ends when the items are done, or the caller stops."""
    import multiprocessing

    if not hasattr(os, "fork"):  # a process of its own would have to import everything again
        yield from items()
        return
    context: Any = multiprocessing.get_context("fork")
    pipe, theirs = context.Pipe(duplex=False)
    process = context.Process(target=send_items, args=(items, size, theirs), daemon=True)
    process.start()
    theirs.close()
    try:
        while (chunk := pipe.recv()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            yield from chunk
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        pipe.close()


def send_items(items: Callable[[], Iterator[Any]], size: int, pipe: Any) -> None:
    """read_ahead's process: the items in lists of `size`, then None; or the error met."""
    import itertools
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the merge's to handle
    try:
        made = items()
        while chunk := list(itertools.islice(made, size)):
            pipe.send(chunk)
        pipe.send(None)
    except BrokenPipeError:
        return
    except Exception as exc:  # raised by the merge
        try:
            pipe.send(exc)
        except Exception:  # an error that cannot be pickled: its words
            pipe.send(RuntimeError(f"{type(exc).__name__}: {exc}"))


def merge_shards(
    db: CorpusDatabase,
    out: str,
    tasks: list[Task],
    summary: Summary | None = None,
    on_progress: Callable[[Outcome], None] | None = None,
    force: bool = False,
) -> Summary:
    """Merge the shards into the database exactly as a local clean writes its results.

    Inputs stored meanwhile (by a merge that failed halfway) are unchanged, as in a local rerun.
    """
    summary = summary or Summary()

    def unless_known(item: Extracted | Outcome) -> Extracted | Outcome:
        if isinstance(item, Extracted) and not force and known_input(db, item.path, item.digest):
            return Outcome(item.path, "unchanged")
        return item

    written: set[str] = set()  # the keys this merge stored, as in clean_paths
    try:
        with indexes_aside(db):  # into a fresh database: the indexes in processes of their own
            read = read_ahead(lambda: shard_items(out, tasks, db.indexes))
            for batch in batches(map(unless_known, read), WRITE_SIZE):
                for outcome in store_batch(db, batch, written):
                    summary.add(outcome)
                    if on_progress:
                        on_progress(outcome)
    except sqlite3.Error as exc:
        if not is_disk_full(exc):
            raise ClusterError(
                f"merge failed: {exc}; the rows stored before are intact and "
                f"the same command again finishes the merge from the shards in {out}"
            ) from exc
        summary.stopped = (
            f"disk full ({exc}): the merge stopped; the rows stored before are "
            f"intact and a rerun finishes the merge from the shards in {out}"
        )
    return summary


def remove_shards(out: str) -> None:
    """Delete a shard folder made by this module (what it wrote, and its marker last)."""
    fs, root = shard_fs(out)
    remove_written(fs, root)
    with contextlib.suppress(OSError):
        fs.rm(f"{root}/{MARKER}")
        fs.rmdir(root)  # only when empty: nothing of anyone else's goes


@contextlib.contextmanager
def merge_lock(db_path: str | None) -> Iterator[None]:
    """One cluster run at a time on a database: an exclusive flock on its file (SQLite's
    own locks are fcntl byte ranges, which flock does not touch). A second run waits."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    if db_path is None:
        yield
        return
    with open(db_path, "rb") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            click.echo(f"waiting for another cluster run on {display_path(db_path)} to finish", err=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def clean_on_cluster(
    db: CorpusDatabase | None,
    paths: list[str],
    *,
    cluster: str,
    workers: int | None,
    shards: str | None,
    out: str | None,
    task_inputs: int,
    db_path: str,
    urls: dict[Path, str],
    site: str | None,
    force: bool,
    on_progress: Callable[[Outcome], None] | None = None,
    selection: Selection | None = None,
    profiles: bool = True,
) -> Summary:
    """`clean --cluster`: extract on the cluster, then merge into `db` (or, with `out`, keep
    the shards there without merging: then `db` is None and nothing counts as unchanged).
    The files are chosen as clean_paths chooses them (ingest/select.py). With `profiles`, the
    hosts' profiles are learned from the merged pages, as clean_paths learns them."""
    found = find_inputs(paths, selection)
    summary = Summary(not_pages=found.skipped)
    files, missing = found.files, found.missing
    for raw, error in missing:
        summary.add(Outcome(raw, "failed", error=error))
    target = out or shards or f"{db_path}.shards"
    with merge_lock(None if out else db_path):
        claim_shard_folder(target)
        with dask_client(cluster, workers) as client:
            click.echo(f"Dask dashboard: {client.dashboard_link}", err=True)
            start = time.perf_counter()
            tasks = plan_tasks(client, files, task_inputs)
            try:
                extract_on_cluster(
                    client, tasks, target, db=db, urls=urls, site=site, force=force, observe=profiles
                )
            except OSError as exc:  # the shard folder: not a folder, not writable, not reachable
                reason = "a file is there, not a folder" if exc.errno == errno.EEXIST else exc.strerror or exc
                raise ClusterError(f"cannot use the shard folder {target}: {reason}") from exc
            extracted = time.perf_counter()
            took = f"{extracted - start:.1f} s"
            click.echo(
                f"extracted {len(tasks)} task{'s' if len(tasks) != 1 else ''} on the cluster in {took} "
                f"(shards in {target})",
                err=True,
            )
        jobs = file_jobs(tasks, urls, site) if profiles else None
        return finish_run(
            db, target, tasks, summary, keep=bool(out), on_progress=on_progress, force=force, learn=jobs
        )


def finish_run(
    db: CorpusDatabase | None,
    target: str,
    tasks: list[Task],
    summary: Summary,
    *,
    keep: bool,
    on_progress: Callable[[Outcome], None] | None,
    force: bool,
    learn: dict[str, FileJob] | None = None,
) -> Summary:
    """Report the shards' inputs (`keep`: --out), or merge them into `db`, learn the hosts'
    profiles from them when `learn` (how to read each page file again) is given, and remove
    them."""
    if keep:
        for item in read_ahead(lambda: shard_items(target, tasks)):
            summary.add(
                item
                if isinstance(item, Outcome)
                else Outcome(
                    item.path,
                    "cleaned" if item.row else "failed",
                    item.row["site"] if item.row else None,
                    error=item.error,
                )
            )
        return summary
    assert db is not None
    start = time.perf_counter()
    merge_shards(db, target, tasks, summary, on_progress, force)
    if learn is not None and not summary.stopped:
        learn_from_results(db, read_ahead(lambda: shard_items(target, tasks, samples=True)), learn, summary)
    click.echo(f"merged into the database in {time.perf_counter() - start:.1f} s", err=True)
    if not summary.stopped:
        remove_shards(target)
    return summary


def file_jobs(tasks: list[Task], urls: dict[Path, str], site: str | None) -> dict[str, FileJob]:
    """How to read each page file of the tasks again, by input name (profiles: ingest/profiling.py)."""
    url_of = {str(p): u for p, u in urls.items()}
    names = {display_path(Path(f)): f for task in tasks for f in task.files}  # as task_items names them
    return {name: FileJob(Path(f), name, url_of.get(f), site, None) for name, f in names.items()}
