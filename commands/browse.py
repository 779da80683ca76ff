"""The `browse` command: the database in Datasette, served until Ctrl-C (setup: db/browse.py)."""

from __future__ import annotations

import errno
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from newsclean.commands.options import db_option
from newsclean.db import browse as browse_setup
from newsclean.db.store import StoreError


@click.command()
@db_option()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to serve on (0: any free port).",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=True,
    show_default=True,
    help="Open a web browser on the page.",
)
def browse(db_path: str, host: str, port: int, open_browser: bool) -> None:
    """Explore the database in Datasette (install it with: pip install 'newsclean[browse]').

    Opens with facets by site, source and month, articles newest first, and a
    Chinese-aware "search" query (same syntax as the search command).

    Example: newsclean browse --db news.db --port 8001
    """
    if not browse_setup.datasette_installed():
        raise click.ClickException("Datasette is not installed: pip install 'newsclean[browse]'")
    port = port or free_port(host)
    check_port(host, port)
    try:
        notes = browse_setup.prepare_file(db_path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    for note in notes:
        click.echo(f"note: {note}", err=True)
    with tempfile.TemporaryDirectory() as tmp:
        meta = browse_setup.write_metadata(db_path, Path(tmp) / "metadata.json")
        cmd = browse_setup.datasette_command(db_path, meta, host, port, open_browser, immutable=bool(notes))
        click.echo(f"serving {db_path} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
        sys.exit(run_until_stopped(cmd, browse_setup.datasette_env()))


def run_until_stopped(cmd: list[str], env: dict[str, str]) -> int:
    """Run cmd; on Ctrl-C or SIGTERM stop it too, so no server is left behind."""
    child = subprocess.Popen(cmd, env=env)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        child.wait(timeout=10)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_port(host: str, port: int) -> None:
    """Exit 1 with a message when host:port cannot be served on (in use, no such address)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind((host, port))
        except OSError as exc:
            reason = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise click.ClickException(
                f"cannot serve on {host}:{port}: {reason}; choose another --port (0: any free port)"
            ) from exc


def free_port(host: str) -> int:
    """A port free on `host` now (for --port 0), so the address printed is the real one."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
