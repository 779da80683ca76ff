"""Hostile inputs: every bad file gets a clear per-input error or a degraded record with warnings.

All inputs are generated here (nothing hostile is committed). One `clean --jobs 2` run over a
folder of them, after a database already holds a good row, checks per input: the error
named in stderr and in the `inputs` table, or the row and its warnings; then that the run
ended with exit code 2 within the timeout and a bounded RSS, and that the earlier row is intact.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, fixture, invoke
from newsclean.ingest import pipeline
from newsclean.ingest.inputs import MAX_INPUT_BYTES

HNR = fixture("hnr/2020_000")  # UTF-8, template body #text_content
GB2312 = fixture("chinanews/ha_2018_gb2312")
SEED = fixture("hnr/2018_trs")  # the row stored before the hostile run
RUN_TIMEOUT = 120  # seconds for the whole hostile run (it takes a few seconds)
MAX_RSS_MB = 400  # typically 250-300 MB alone; a loaded machine adds noise; unbounded runs took 747 MB+


def gold(page: Path) -> dict:
    return json.loads((page.parent / "expected.json").read_text(encoding="utf-8"))


def with_url(data: bytes, old: str, new: str) -> bytes:
    """The page claiming another URL (so copies of one fixture are distinct articles)."""
    assert old.encode() in data
    return data.replace(old.encode(), new.encode())


def hnr_copy(n: int) -> bytes:
    """The hnr fixture as another article: its own URL and title (see hnr_title)."""
    data = with_url(HNR.read_bytes(), gold(HNR)["url"], hnr_url(n))
    return data.replace("万人同心".encode(), f"万人同心{n}".encode())


def hnr_title(n: int) -> str:
    """The title of hnr_copy(n) (copies with one title, date and body would be merged)."""
    return gold(HNR)["title"].replace("万人同心", f"万人同心{n}")


def hnr_url(n: int) -> str:
    return f"https://news.hnr.cn/202003/19/{9000 + n}.html"


# A wrapper process runs cli.py and prints, last on stderr, the largest RSS (KB) of the
# processes it reaped: cli.py and its workers only, not earlier children of pytest (a browser,
# a Dask cluster), which RUSAGE_CHILDREN of pytest itself would count.
RSS_LINE = "max-rss-kb "
MEASURED = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    f"print({RSS_LINE!r} + str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss), file=sys.stderr); "
    "sys.exit(code)"
)


def run(*args: str, timeout: float = RUN_TIMEOUT) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run cli.py; (result, wall seconds, max RSS in MB of any process in its tree)."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", MEASURED, sys.executable, "cli.py", *args],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"cli.py {' '.join(args)} still running after {timeout} s\n{err[-3000:]}")
    wall = time.monotonic() - start
    err, _, measured = err.rstrip("\n").rpartition("\n")
    max_rss = int(measured.removeprefix(RSS_LINE)) / 1024
    return subprocess.CompletedProcess(proc.args[3:], proc.returncode, out, err + "\n"), wall, max_rss


def rows(db: Path) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return [dict(r) for r in con.execute("select * from articles order by id")]


# name → bytes; names ending in .gz are written as given (already compressed)
def hostile_inputs() -> dict[str, bytes]:
    hnr = HNR.read_bytes()
    body_start = "“真的谢谢".encode()
    assert body_start in hnr
    inputs = {
        "empty.html": b"",
        "whitespace.html": b" \t\r\n\f\v" * 200,
        # ideographic spaces, NBSPs and zero-width spaces only
        "whitespace_cjk.txt": "\u3000\u00a0\u200b\n".encode() * 200,
        "image.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40,
        # NUL bytes inside the markup and inside the text of the article
        "nul.html": hnr_copy(1).replace(b"<p", b"\x00<p").replace(body_start, b"\x00\x00" + body_start),
        # UTF-8 page with invalid sequences (a stray Latin-1 byte, a truncated character)
        "bad_utf8.html": hnr_copy(2).replace(body_start, b"\xff\xe6\xb5" + body_start, 1),
        # GBK/GB2312 bytes whose <meta> says UTF-8: must decode as GB18030, not as mojibake
        "gbk_as_utf8.html": GB2312.read_bytes().replace(b"charset=gb2312", b"charset=utf-8"),
        # 10,000 nested <div>s after the article (parsed: libxml2 stops at depth 2048) …
        "deep_after.html": hnr_copy(3).replace(
            b"</body>", b"<div>" * 10_000 + b"</div>" * 10_000 + b"</body>"
        ),
        # … and before it (libxml2 drops everything after depth 2048: no article left)
        "deep_before.html": re.sub(
            rb"(<body[^>]*>)", lambda m: m.group(1) + b"<div>" * 10_000, hnr_copy(4), count=1
        ),
        # a minified page: one 5 MB+ line (an inline data: image inside the article)
        "one_line.html": re.sub(rb"[\r\n]+", b" ", hnr_copy(5)).replace(
            body_start,
            b'<img src="data:image/png;base64,' + b"QUJD" * (5 * 1024 * 1024 // 4) + b'">' + body_start,
            1,
        ),
        # a plain-text page that is a single 5 MB line of Chinese
        "one_line.txt": "长".encode() * (5 * 1024 * 1024 // 3 + 1),
        # every end tag removed (</title>, </script>, </style> kept: they are raw text)
        "unclosed.html": re.sub(rb"</(?!title|script|style)[a-zA-Z][\w:-]*\s*>", b"", hnr_copy(6)),
        # a gzip bomb: 64 MB of zeros in ~64 KB on disk
        "bomb.html.gz": gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9),
        # not gzip at all under a .gz name
        "broken.html.gz": hnr_copy(7),
    }
    return inputs


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """Clean SEED, then the hostile folder plus one good page, with --jobs 2."""
    tmp = tmp_path_factory.mktemp("hostile")
    db = tmp / "news.db"
    first, _, _ = run("clean", str(SEED), "--db", str(db), "--jobs", "1")
    assert first.returncode == 0, first.stderr
    before = rows(db)
    folder = tmp / "in"
    folder.mkdir()
    for name, data in hostile_inputs().items():
        (folder / name).write_bytes(data)
    # larger than MAX_INPUT_BYTES: written sparse-free but quickly (one repeated block)
    block = b"<p>" + "大文件段落。".encode() * 1000 + b"</p>\n"
    with open(folder / "huge.html", "wb") as fh:
        fh.write(b"<html><head><title>huge</title></head><body>")
        for _ in range(MAX_INPUT_BYTES // len(block) + 2):
            fh.write(block)
    # symbolic-link loops: a folder linking to its parent, a file linking to itself
    (folder / "loop").mkdir()
    os.symlink("..", folder / "loop" / "up")
    os.symlink("self.html", folder / "self.html")
    # not regular files: reading them would block (a FIFO) or never end (/dev/zero)
    os.mkfifo(folder / "fifo.html")
    os.symlink("/dev/zero", folder / "zero.html")
    good = tmp / "good.html"
    good.write_bytes(hnr_copy(0))
    result, wall, max_rss = run("clean", str(folder), str(good), "--db", str(db), "--jobs", "2")
    con = sqlite3.connect(db)
    inputs = {
        Path(p).name: (status, error)
        for p, status, error in con.execute("select path, status, error from inputs")
    }
    articles = {Path(r["input_path"]).name: r for r in rows(db)}
    return {
        "result": result,
        "wall": wall,
        "max_rss": max_rss,
        "before": before,
        "db": db,
        "inputs": inputs,
        "articles": articles,
        "folder": folder,
    }


def test_run_completes_with_exit_3_in_bounded_time_and_memory(hostile_run):
    result = hostile_run["result"]
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert hostile_run["wall"] < 60, f"hostile run took {hostile_run['wall']:.0f} s"
    assert hostile_run["max_rss"] < MAX_RSS_MB, f"max RSS {hostile_run['max_rss']:.0f} MB"


def test_earlier_rows_are_intact_and_good_page_is_stored(hostile_run):
    after = hostile_run["articles"]
    assert [r for r in rows(hostile_run["db"]) if r["id"] == hostile_run["before"][0]["id"]] == hostile_run[
        "before"
    ]
    assert after["good.html"]["url"] == hnr_url(0)
    con = sqlite3.connect(hostile_run["db"])
    assert con.execute("pragma integrity_check").fetchone() == ("ok",)
    keys = [k for (k,) in con.execute("select key from articles")]
    assert len(keys) == len(set(keys))


FAILURES = {
    "empty.html": "empty input",
    "whitespace.html": "empty input",
    "whitespace_cjk.txt": "no article body found",
    "image.html": "binary data",
    "huge.html": "larger than 20 MB",
    "bomb.html.gz": "gzip expands past 20 MB",
    "broken.html.gz": "broken gzip data",
    "self.html": "Too many levels of symbolic links",
    "fifo.html": "not a regular file",
    "zero": "not a regular file",  # zero.html → /dev/zero, reported under its target
    "one_line.txt": "no article body found",
}


@pytest.mark.parametrize("name,reason", sorted(FAILURES.items()))
def test_bad_input_fails_with_a_clear_error_naming_the_file(hostile_run, name, reason):
    path = Path("/dev/zero") if name == "zero" else hostile_run["folder"] / name
    assert hostile_run["inputs"][name][0] == "failed"
    assert reason in hostile_run["inputs"][name][1]
    assert f"failed: {path}: " in hostile_run["result"].stderr
    line = next(l for l in hostile_run["result"].stderr.splitlines() if l.startswith(f"failed: {path}: "))
    assert reason in line


def test_symlink_loop_folder_is_not_walked(hostile_run):
    # `loop/up` → `..` would list every input again (and again): each input appears once.
    folder = hostile_run["folder"]
    con = sqlite3.connect(hostile_run["db"])
    paths = [p for (p,) in con.execute("select path from inputs")]
    assert not any("/loop/" in p for p in paths)
    walked = [p for p in paths if Path(p).parent == folder]
    assert sorted(Path(p).name for p in walked) == sorted(
        p.name for p in folder.iterdir() if p.name not in ("loop", "zero.html")
    )
    # + good.html and /dev/zero (zero.html resolved)
    assert hostile_run["result"].stdout.startswith(f"{len(walked) + 2} inputs:")


def stored(hostile_run, name: str) -> dict:
    status, error = hostile_run["inputs"][name]
    assert status == "cleaned", f"{name}: {status} {error}"
    return hostile_run["articles"][name]


def test_nul_bytes_are_removed_with_a_warning(hostile_run):
    row = stored(hostile_run, "nul.html")
    want = gold(HNR)
    assert row["title"] == hnr_title(1)
    assert row["body"].split("\n") == want["body"]
    assert "\x00" not in row["body"] + row["title"] and "\ufffd" not in row["body"]
    assert "NUL characters removed" in json.loads(row["warnings"])


def test_invalid_utf8_decodes_as_utf8_with_a_warning(hostile_run):
    row = stored(hostile_run, "bad_utf8.html")
    want = gold(HNR)
    assert row["title"] == hnr_title(2)  # not GB18030 mojibake
    body = row["body"].split("\n")
    assert body[1:] == want["body"][1:] and body[0].endswith(want["body"][0])
    assert any("undecodable bytes" in w for w in json.loads(row["warnings"]))


def test_gbk_declared_as_utf8_decodes_correctly(hostile_run):
    row = stored(hostile_run, "gbk_as_utf8.html")
    want = gold(GB2312)
    assert row["title"] == want["title"]
    assert row["body"].split("\n") == want["body"]
    assert not any("undecodable" in w for w in json.loads(row["warnings"]))


def test_deep_nesting_after_the_article_keeps_the_article(hostile_run):
    row = stored(hostile_run, "deep_after.html")
    assert row["body"].split("\n") == gold(HNR)["body"]


def test_deep_nesting_before_the_article_fails_clearly_or_degrades(hostile_run):
    status, error = hostile_run["inputs"]["deep_before.html"]
    if status == "failed":
        assert error and "deep_before.html" in hostile_run["result"].stderr
    else:
        assert hostile_run["articles"]["deep_before.html"]["title"]


def test_minified_page_with_a_5mb_line_is_cleaned(hostile_run):
    row = stored(hostile_run, "one_line.html")
    assert row["title"] == hnr_title(5)
    assert row["body"].split("\n") == gold(HNR)["body"]


def test_unclosed_tags_give_the_body_and_flag_the_title(hostile_run):
    row = stored(hostile_run, "unclosed.html")
    assert row["body"].split("\n") == gold(HNR)["body"]
    warnings = json.loads(row["warnings"])
    # the unclosed title element swallows the page; it must be flagged, not stored silently
    assert row["title"] == hnr_title(6) or any("title is" in w for w in warnings)


@pytest.mark.slow
def test_file_disappearing_mid_run_fails_alone(tmp_path, monkeypatch, capsys):
    """c.html is listed by the folder walk, then deleted while a.html is being read."""
    from newsclean.commands.clean import print_summary
    from newsclean.db.store import open_db

    folder = tmp_path / "in"
    folder.mkdir()
    names = ["a.html", "b.html", "c.html", "d.html"]
    for n, name in enumerate(names):
        (folder / name).write_bytes(hnr_copy(20 + n))
    real_read = pipeline.read_input

    def read_and_delete_c(path):
        data = real_read(path)
        if path.name == "a.html":
            (folder / "c.html").unlink()
        return data

    monkeypatch.setattr(pipeline, "read_input", read_and_delete_c)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    db = open_db(tmp_path / "news.db")
    summary = pipeline.clean_paths(db, [str(folder)], jobs=1)
    [failure] = summary.failures
    assert Path(failure.path).name == "c.html" and "No such file" in failure.error
    assert summary.counts["cleaned"] == 3
    row = db.execute("select status, error from inputs where path like '%c.html'").fetchone()
    assert row[0] == "failed" and "No such file" in row[1]
    assert db.execute("select count(*) from articles").fetchone()[0] == 3
    print_summary(summary, "news.db")
    assert f"failed: {folder / 'c.html'}: cannot read: No such file" in capsys.readouterr().err


# ---------------------------------------------------------------- unusable databases


def make_read_only(path: Path) -> str | None:
    """Make a file unwritable even for root when possible; return how, or None."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        path.parent.chmod(0o555)
        return "chmod"
    # root ignores permission bits; the ext2/3/4 immutable flag stops root too
    if (
        shutil.which("chattr")
        and subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode == 0
    ):
        return "chattr"
    return None


def undo_read_only(path: Path, how: str) -> None:
    if how == "chattr":
        subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.parent.chmod(0o755)
        path.chmod(0o644)


@pytest.fixture
def read_only_db(tmp_path):
    db = tmp_path / "ro" / "news.db"
    db.parent.mkdir()
    first, _, _ = run("clean", str(SEED), "--db", str(db), "--jobs", "1")
    assert first.returncode == 0
    before = rows(db)
    how = make_read_only(db)
    if how is None:
        pytest.skip(
            "running as root on a file system without the immutable flag (chattr): "
            "root writes through chmod, so a read-only database cannot be made here"
        )
    yield db, before
    undo_read_only(db, how)


@pytest.mark.slow
def test_read_only_database_exits_1_and_keeps_rows(read_only_db):
    db, before = read_only_db
    result, _, _ = run("clean", str(HNR), "--db", str(db), "--jobs", "2", timeout=60)
    assert result.returncode == 1
    assert "readonly" in result.stderr or "read-only" in result.stderr
    assert rows(db) == before


@pytest.mark.slow
def test_read_only_database_gives_a_clear_message(read_only_db):
    db, _ = read_only_db
    result, _, _ = run("clean", str(HNR), "--db", str(db), "--jobs", "1", timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot open database" in result.stderr or "cannot write" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("where", ["/proc/self/news.db", "file/news.db"])
def test_database_path_that_cannot_be_created_exits_1(tmp_path, where):
    (tmp_path / "file").write_text("a file, not a folder")
    db = where if where.startswith("/proc") else str(tmp_path / where)
    result, _, _ = run("clean", str(HNR), "--db", db, "--jobs", "1", timeout=60)
    assert result.returncode == 1, result.stderr
    assert "cannot open database" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_garbage_database_file_exits_1_and_is_left_alone(tmp_path):
    db = tmp_path / "news.db"
    junk = b"this is not an SQLite database\n" * 200
    db.write_bytes(junk)
    result, _, _ = run("clean", str(HNR), "--db", str(db), "--jobs", "1", timeout=60)
    assert result.returncode == 1
    assert "cannot open database" in result.stderr and "Traceback" not in result.stderr
    assert db.read_bytes() == junk


# ---------------------------------------------------------------- issue 10: bad names, folders


@pytest.mark.slow
def test_file_name_that_is_not_utf8_does_not_abort_the_run(tmp_path):
    """d/a\\xff.html (not UTF-8) is stored under a printable path; the 100 good pages too."""
    folder = tmp_path / "d"
    folder.mkdir()
    for n in range(100):
        (folder / f"p{n:03}.html").write_bytes(hnr_copy(100 + n))
    bad = os.fsdecode(bytes(folder) + b"/a\xff.html")
    Path(bad).write_bytes(hnr_copy(99))
    db = tmp_path / "news.db"
    result, _, _ = run("clean", str(folder), "--db", str(db), "--jobs", "2")
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("101 inputs: 101 cleaned")
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from articles").fetchone()[0] == 101
    [(stored_path,)] = con.execute("select input_path from articles where url = ?", [hnr_url(99)])
    assert stored_path == str(folder) + "/a\\xff.html"
    assert con.execute("select status from inputs where path = ?", [stored_path]).fetchone() == ("cleaned",)
    # a second run finds it unchanged under the same printable path
    again, _, _ = run("clean", str(folder), "--db", str(db), "--jobs", "1")
    assert again.returncode == 0 and "101 unchanged" in again.stdout, again.stdout + again.stderr


@pytest.mark.slow
def test_missing_path_that_is_not_utf8_fails_alone(tmp_path):
    db = tmp_path / "news.db"
    missing = os.fsdecode(bytes(tmp_path) + b"/gone\xfe.html")
    result, _, _ = run("clean", missing, str(HNR), "--db", str(db), "--jobs", "1")
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert f"failed: {tmp_path}/gone\\xfe.html: no such file or folder" in result.stderr
    assert len(rows(db)) == 1


def unreadable_folder_tree(tmp_path: Path) -> tuple[Path, Path]:
    """in/ with a good page, and in/secret/ holding another page: (in, in/secret)."""
    folder = tmp_path / "in"
    (folder / "secret").mkdir(parents=True)
    (folder / "ok.html").write_bytes(hnr_copy(40))
    (folder / "secret" / "hidden.html").write_bytes(hnr_copy(41))
    return folder, folder / "secret"


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root reads a chmod 000 folder anyway; test_unreadable_subfolder_simulated covers the same path",
)
def test_unreadable_subfolder_is_a_failed_input(tmp_path):
    folder, secret = unreadable_folder_tree(tmp_path)
    secret.chmod(0)
    try:
        result, _, _ = run("clean", str(folder), "--db", str(tmp_path / "news.db"), "--jobs", "1")
    finally:
        secret.chmod(0o755)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert f"failed: {secret}: cannot read folder: Permission denied" in result.stderr
    assert result.stdout.startswith("2 inputs: 1 cleaned")


def test_unreadable_subfolder_simulated(tmp_path, monkeypatch):
    """The PermissionError a non-root user gets, raised by os.scandir for in/secret."""
    folder, secret = unreadable_folder_tree(tmp_path)
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    db = tmp_path / "news.db"
    result = invoke("clean", folder, "--db", db, "--jobs", "1")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert f"failed: {secret}: cannot read folder: Permission denied" in result.stderr
    assert result.stdout.startswith("2 inputs: 1 cleaned")
    assert len(rows(db)) == 1


# ---------------------------------------------------------------- issue 10: broken gzip


def bad_crc(member: bytes) -> bytes:
    """The gzip member with its CRC-32 trailer flipped (the data itself intact)."""
    return member[:-8] + bytes(b ^ 0xFF for b in member[-8:-4]) + member[-4:]


@pytest.mark.slow
def test_gzip_members_are_all_read_and_damage_fails_naming_the_file(tmp_path):
    page = hnr_copy(50)
    half = page.index("“真的谢谢".encode())
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "multi.html.gz").write_bytes(gzip.compress(page[:half]) + gzip.compress(page[half:]))
    (folder / "padded.html.gz").write_bytes(gzip.compress(hnr_copy(51)) + b"\0" * 512)  # tape padding
    whole = gzip.compress(hnr_copy(52))
    (folder / "truncated.html.gz").write_bytes(whole[: len(whole) * 3 // 4])
    (folder / "crc.html.gz").write_bytes(bad_crc(gzip.compress(hnr_copy(53))))
    (folder / "second_bad.html.gz").write_bytes(
        gzip.compress(page[:half]) + bad_crc(gzip.compress(page[half:]))
    )
    (folder / "garbage.html.gz").write_bytes(gzip.compress(hnr_copy(54)) + b"not gzip")
    db = tmp_path / "news.db"
    result, _, _ = run("clean", str(folder), "--db", str(db), "--jobs", "1")
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    articles = {Path(r["input_path"]).name: r for r in rows(db)}
    assert sorted(articles) == ["multi.html.gz", "padded.html.gz"]
    assert articles["multi.html.gz"]["body"].split("\n") == gold(HNR)["body"]
    for name, reason in [
        ("truncated", "truncated"),
        ("crc", "incorrect data check"),
        ("second_bad", "incorrect data check"),
        ("garbage", "not gzip data after"),
    ]:
        assert f"failed: {folder / (name + '.html.gz')}: broken gzip data" in result.stderr
        line = next(l for l in result.stderr.splitlines() if f"/{name}.html.gz:" in l)
        assert reason in line, line


@pytest.mark.slow
def test_gzip_bomb_split_into_members_is_still_bounded(tmp_path):
    member = gzip.compress(b"\0" * (8 * 1024 * 1024), compresslevel=9)
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(member * 4)  # 32 MB in four members
    result, _, _ = run("clean", str(bomb), "--db", str(tmp_path / "news.db"), "--jobs", "1")
    assert result.returncode == 1
    assert f"failed: {bomb}: gzip expands past 20 MB" in result.stderr


# ---------------------------------------------------------------- issue 10: encodings

BIG5_TITLE = "臺北市舉辦國際書展 吸引數萬名讀者參觀"
UTF16_TITLE = "臺北書展今日閉幕 主辦單位公布參觀人數"
BIG5_BODY = [
    "為期六天的臺北國際書展昨日在世貿中心開幕，來自四十多個國家的出版社參展，"
    "主辦單位表示，今年展覽面積比去年擴大了兩成。",
    "許多讀者一早便在門口排隊，希望買到喜愛作家的新書。一位從高雄來的大學生說，"
    "她每年都會專程北上參觀，這裡是認識世界文學的好機會。",
    "主辦單位指出，書展期間將舉行三百多場講座與簽書會，並首次設立兒童閱讀區，"
    "讓家長帶著孩子一起體驗閱讀的樂趣。",
]


def big5_page() -> bytes:
    """A traditional-Chinese page in Big5 that declares no charset anywhere."""
    paragraphs = "".join(f"<p>{p}</p>" for p in BIG5_BODY)
    html = (
        f"<html><head><title>{BIG5_TITLE}</title></head><body><h1>{BIG5_TITLE}</h1>"
        f'<div class="content">{paragraphs}</div></body></html>'
    )
    return html.encode("big5")


GB_TITLE = "郑州市举办读书节 数万名市民参加活动"
GB_BODY = [
    "为期一周的郑州读书节昨日在市图书馆开幕，来自全省的出版社和书店参加展示，"
    "主办方表示，今年的活动场地比去年扩大了两成。",
    "许多市民一早就在门口排队，希望买到喜爱作家的新书。一位从洛阳来的大学生说，"
    "她每年都会专程来参加，这里是了解文学的好机会。",
]


def gb2312_page(meta: str) -> bytes:
    """A simplified-Chinese page in GB2312 with the given <meta>: its bytes are also valid
    cp1252, so a Latin-1 declaration decodes them without an error (as mojibake)."""
    paragraphs = "".join(f"<p>{p}</p>" for p in GB_BODY)
    html = (
        f"<html><head>{meta}<title>{GB_TITLE}</title></head><body><h1>{GB_TITLE}</h1>"
        f'<div class="content">{paragraphs}</div></body></html>'
    )
    data = html.encode("gb2312")
    data.decode("cp1252")
    return data


def rare_han_page() -> bytes:
    """GB18030 bytes of rare Han characters only (GBK/3 area): no encoding reads as Chinese."""
    chars = bytes(b for n in range(200) for b in (0x81 + n % 32, 0x41 + (n * 7) % 60)).decode("gb18030")
    html = f"<html><head><title>{chars[:12]}</title></head><body><h1>{chars[:12]}</h1><p>{chars}</p></body></html>"
    return html.encode("gb18030")


@pytest.fixture(scope="module")
def encodings_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("encodings")
    folder = tmp / "in"
    folder.mkdir()
    (folder / "big5.html").write_bytes(big5_page())
    (folder / "gbk_as_latin1.html").write_bytes(gb2312_page('<meta charset="iso-8859-1">'))
    (folder / "rare.html").write_bytes(rare_han_page())
    (folder / "utf16le.html").write_bytes(hnr_copy(60).decode("utf-8").encode("utf-16-le"))
    (folder / "utf16be.html").write_bytes(hnr_copy(61).decode("utf-8").encode("utf-16-be"))
    (folder / "utf16le.txt").write_bytes("\n".join([UTF16_TITLE, "", *BIG5_BODY]).encode("utf-16-le"))
    db = tmp / "news.db"
    result, _, _ = run("clean", str(folder), "--db", str(db), "--jobs", "2")
    return result, {Path(r["input_path"]).name: r for r in rows(db)}


@pytest.mark.slow
def test_encoding_run_is_clean(encodings_run):
    result, articles = encodings_run
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert len(articles) == 6


@pytest.mark.slow
def test_big5_without_a_charset_is_read_as_big5(encodings_run):
    row = encodings_run[1]["big5.html"]
    assert row["title"] == BIG5_TITLE  # not GB18030 mojibake such as 臺 → 鉆
    assert row["body"].split("\n") == BIG5_BODY
    assert not any("encoding" in w for w in json.loads(row["warnings"]))


@pytest.mark.slow
def test_latin1_declaration_over_gbk_bytes_does_not_win(encodings_run):
    row = encodings_run[1]["gbk_as_latin1.html"]
    assert row["title"] == GB_TITLE
    assert row["body"].split("\n") == GB_BODY
    assert not any("encoding" in w for w in json.loads(row["warnings"]))


def test_latin1_http_charset_over_gbk_bytes_does_not_win():
    art = pipeline.extract_page(gb2312_page(""), charset="iso-8859-1")
    assert art.title == GB_TITLE and art.body == GB_BODY
    assert not any("encoding" in w for w in art.warnings)


@pytest.mark.slow
def test_doubtful_decoding_is_stored_with_a_warning(encodings_run):
    warnings = json.loads(encodings_run[1]["rare.html"]["warnings"])
    assert any(w.startswith("unsure of the encoding: decoded as gb18030") for w in warnings), warnings


@pytest.mark.slow
@pytest.mark.parametrize("name,n", [("utf16le.html", 60), ("utf16be.html", 61)])
def test_utf16_html_without_a_bom_is_decoded(encodings_run, name, n):
    row = encodings_run[1][name]
    assert row["title"] == hnr_title(n)
    assert row["url"] == hnr_url(n)  # found in the decoded text, not in the UTF-16 bytes
    assert row["body"].split("\n") == gold(HNR)["body"]


@pytest.mark.slow
def test_utf16_text_without_a_bom_is_decoded(encodings_run):
    row = encodings_run[1]["utf16le.txt"]
    assert row["title"] == UTF16_TITLE
    assert row["body"].split("\n") == BIG5_BODY


# ---------------------------------------------------------------- issue 10: a full disk


def many_pages(folder: Path, count: int, first: int) -> None:
    folder.mkdir()
    for n in range(count):
        (folder / f"p{n:03}.html").write_bytes(hnr_copy(first + n))


def check_disk_full_run(stdout: str, stderr: str, code: int, db: Path) -> None:
    """Exit 1, "disk full" said, the summary of what was stored printed, those rows intact."""
    assert "Traceback" not in stderr
    assert code == 1, stdout + stderr
    assert "error: disk full" in stderr and "inputs not stored" in stderr
    match = re.match(r"(\d+) inputs: (\d+) cleaned", stdout)
    assert match, stdout
    con = sqlite3.connect(db)
    try:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
        stored = con.execute("select count(*) from articles").fetchone()[0]
        assert 0 < stored == int(match.group(2)) < FULL_DISK_PAGES
        assert con.execute("select count(*) from inputs").fetchone()[0] == stored
    finally:
        con.close()  # so that the small disk can be unmounted


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB tmpfs (needs root and mount permission, as in CI); skipped otherwise."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if (
        not shutil.which("mount")
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True, check=False
        ).returncode
        != 0
    ):
        pytest.skip(
            "cannot mount an 8 MB tmpfs here (needs root and mount permission); "
            "test_full_disk_simulated_with_max_page_count covers the same path"
        )
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)  # -l: even if a file is still open


# Three transactions' worth of pages (~14 KB of database each): the first fits, not all do.
FULL_DISK_PAGES = 3 * pipeline.WRITE_SIZE


@pytest.mark.slow
def test_full_disk_reports_disk_full_and_keeps_stored_rows(tmp_path, small_disk):
    many_pages(tmp_path / "in", FULL_DISK_PAGES, 400)
    db = small_disk / "news.db"
    result, _, _ = run("clean", str(tmp_path / "in"), "--db", str(db), "--jobs", "2")
    check_disk_full_run(result.stdout, result.stderr, result.returncode, db)


@pytest.mark.slow
def test_full_disk_simulated_with_max_page_count(tmp_path, monkeypatch):
    """SQLITE_FULL from a page limit: the same error a full disk gives."""
    from newsclean.commands import clean as clean_commands
    from newsclean.db import store

    def small_db(path):
        db = store.open_db(path)
        pages = db.execute("pragma page_count").fetchone()[0]
        db.execute(f"pragma max_page_count = {pages + 1500}")  # 6 MB
        return db

    monkeypatch.setattr(clean_commands, "open_db_for_clean", small_db)
    many_pages(tmp_path / "in", FULL_DISK_PAGES, 700)
    db = tmp_path / "news.db"
    result = invoke("clean", tmp_path / "in", "--db", db, "--jobs", "1")
    assert not isinstance(result.exception, sqlite3.Error), result.exception
    check_disk_full_run(result.stdout, result.stderr, result.exit_code, db)


# ---------------------------------------------------------------- issue 10: --jobs and memory


@pytest.mark.slow
def test_jobs_is_capped_at_a_few_per_core(tmp_path, monkeypatch):
    from newsclean.commands import clean as clean_commands

    result, _, _ = run("clean", str(HNR), "--db", str(tmp_path / "news.db"), "--jobs", "100000")
    assert result.returncode == 0, result.stderr
    limit = clean_commands.JOBS_PER_CORE * clean_commands.cores()
    assert f"--jobs 100000 capped at {limit} (4 per core" in result.stderr
    asked = []
    monkeypatch.setattr(
        clean_commands, "clean_paths", lambda *a, jobs, **k: asked.append(jobs) or pipeline.Summary()
    )
    invoke("clean", HNR, "--db", tmp_path / "b.db", "--jobs", "1000")
    invoke("clean", HNR, "--db", tmp_path / "b.db", "--jobs", "2")
    assert asked == [limit, min(2, limit)]


def test_one_page_is_cleaned_without_workers(tmp_path, monkeypatch):
    """Workers for one page file only add their start-up (issue 23); a folder still gets them."""
    import multiprocessing  # imported by clean_paths when it forks

    from newsclean.db.store import open_db

    pools = []
    real_pool = multiprocessing.Pool
    monkeypatch.setattr(
        multiprocessing, "Pool", lambda n, **options: pools.append(n) or real_pool(n, **options)
    )
    db = open_db(tmp_path / "news.db")
    assert pipeline.clean_paths(db, [str(HNR)], jobs=2).counts["cleaned"] == 1
    assert pools == []
    assert pipeline.clean_paths(db, [str(HNR.parent)], jobs=2).counts["unchanged"] == 1
    assert pools == [2]


RSS_PROBE = (
    "import resource, subprocess, sys; "
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "print(p.returncode); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
    "sys.stderr.write(p.stdout + p.stderr)"
)
# Before the bounds: 630-670 MB (one 19 MB line), 340-370 MB (short lines), 1.2 GB (tiny tags).
# After: under 100 MB, half of it the interpreter and its libraries.
MAX_INPUT_RSS_MB = 250


def peak_rss(*args: str) -> tuple[int, str, float]:
    """Run cli.py alone in a fresh process: (exit code, its output, its max RSS in MB)."""
    probe = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, sys.executable, "cli.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    code, kb = probe.stdout.split()
    return int(code), probe.stderr, int(kb) / 1024


def huge_inputs() -> dict[str, bytes]:
    size = 19 * 1024 * 1024
    article = fixture("hnr/seed_000").read_text(encoding="utf-8")
    line = article.replace("\n", " ") * (size // len(article.encode()))
    return {
        "one_line.txt": "\n".join([article, line]).encode(),  # the article, then one 19 MB line
        "short_lines.txt": "甲。\n".encode() * (size // 7),
        "tiny_tags.html": b"<html><body>" + "<p>甲。</p>".encode() * (size // 14) + b"</body></html>",
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(huge_inputs()))
def test_memory_per_input_is_bounded(tmp_path, name):
    page = tmp_path / name
    page.write_bytes(huge_inputs()[name])
    db = tmp_path / "news.db"
    code, output, rss = peak_rss("clean", str(page), "--db", str(db), "--jobs", "1")
    assert "Traceback" not in output
    assert rss < MAX_INPUT_RSS_MB, f"{name}: max RSS {rss:.0f} MB"
    if name == "one_line.txt":
        assert code == 0, output
        [row] = rows(db)
        assert any("cut to 20000" in w for w in json.loads(row["warnings"]))
    elif name == "tiny_tags.html":  # the only input failed: exit 1
        assert code == 1 and "tags, more than 50000: too many to parse" in output
    else:
        assert code == 1 and "no article body found" in output
