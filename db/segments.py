"""One FTS5 index stitched from parts built apart (the cluster merge's search index).

Parts of an index over disjoint sets of rows, each in a database of its own and merged
into one segment ('optimize'), are stitched into the index of all the rows by copying their
segments side by side: FTS5 reads a row's postings from every segment that holds some, so
the index holds and finds what one index of all the rows would, in other segments. A
segment's pages are keyed by its id (the high bits of their rowid in `%_data`, a column of
`%_idx`), which is renumbered; the structure record (rowid 10) lists the segments, the
averages record (rowid 1) sums the rows and tokens. Known layout: the structure record
of SQLite before 3.43 (3.43 added a second one, with tombstones); the build uses one part
on later versions.
"""

from __future__ import annotations

import itertools
import sqlite3

STITCHES = sqlite3.sqlite_version_info < (3, 43)
AVERAGES, STRUCTURE = 1, 10  # the rowids of the two records in %_data
SEGMENT_SHIFT = 37  # a page's rowid: segment id << 37 | dlidx << 36 | height << 31 | page


def get_varint(blob: bytes, at: int) -> tuple[int, int]:
    """The SQLite varint at `at` (7 bits a byte, high bit set on all but the last; a ninth
    byte gives 8) and where the next value starts."""
    value = 0
    for n in range(8):
        byte = blob[at + n]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + n + 1
    return (value << 8) | blob[at + 8], at + 9


def put_varint(value: int) -> bytes:
    """A value below 2**56 as an SQLite varint."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))


def varints(blob: bytes) -> list[int]:
    """Every varint of a record."""
    values, at = [], 0
    while at < len(blob):
        value, at = get_varint(blob, at)
        values.append(value)
    return values


Segment = tuple[int, int, int]  # id, first page, last page


def read_structure(blob: bytes) -> tuple[int, list[list[Segment]]]:
    """(write counter, the segments of each level) of a structure record in which no merge
    is under way; sqlite3.DatabaseError for any other."""
    numbers = varints(blob[4:])  # past the 4-byte cookie
    levels: list[list[Segment]] = []
    at = 3
    for _ in range(numbers[0]):
        merging, count = numbers[at : at + 2]
        if merging:
            raise sqlite3.DatabaseError("an FTS5 part with a merge under way")
        flat = numbers[at + 2 : at + 2 + 3 * count]
        levels.append([(flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)])
        at += 2 + 3 * count
    if at != len(numbers) or numbers[1] != sum(map(len, levels)):
        raise sqlite3.DatabaseError("an FTS5 structure record of an unknown layout")
    return numbers[2], levels


def write_structure(cookie: bytes, counter: int, levels: list[list[Segment]]) -> bytes:
    """A structure record of these levels (no merge under way)."""
    numbers = [len(levels), sum(map(len, levels)), counter]
    for segments in levels:
        numbers += [0, len(segments), *(value for segment in segments for value in segment)]
    return cookie + b"".join(map(put_varint, numbers))


def stitch(conn: sqlite3.Connection, table: str, parts: list[str]) -> None:
    """Replace the FTS5 table `table` of the schema `target` with the stitch of its parts,
    the same table in each of the schemas `parts` (optimized, their rows disjoint)."""
    for shadow in ("data", "idx", "docsize", "config"):
        conn.execute(f"delete from target.{table}_{shadow}")
    conn.execute(f"insert into target.{table}_config select * from {parts[0]}.{table}_config")
    stitched: list[Segment] = []
    totals: list[int] = []  # rows, then tokens of each column
    counter, height, cookie = 0, 0, bytes(4)
    for part in parts:
        records = dict(conn.execute(f"select id, block from {part}.{table}_data where id in (1, 10)"))
        if STRUCTURE not in records:
            continue  # a part that never held a row
        cookie = records[STRUCTURE][:4]
        written, levels = read_structure(records[STRUCTURE])
        counter, height = counter + written, max(height, len(levels))
        found = varints(records.get(AVERAGES, b""))
        totals = [a + b for a, b in itertools.zip_longest(totals, found, fillvalue=0)]
        for old, first, last in (segment for segments in levels for segment in segments):
            new = len(stitched) + 1
            stitched.append((new, first, last))
            conn.execute(
                f"insert into target.{table}_data select id + ((? - ?) << {SEGMENT_SHIFT}), block "
                f"from {part}.{table}_data where id >> {SEGMENT_SHIFT} = ?",
                [new, old, old],
            )
            idx = f"{table}_idx"
            conn.execute(
                f"insert into target.{idx} select ?, term, pgno from {part}.{idx} where segid = ?", [new, old]
            )
        conn.execute(f"insert into target.{table}_docsize select * from {part}.{table}_docsize")
    if not stitched:  # no part held a row: the empty index of the first
        conn.execute(f"insert into target.{table}_data select * from {parts[0]}.{table}_data")
        return
    levels = [[] for _ in range(height - 1)] + [stitched]
    conn.execute(
        f"insert into target.{table}_data values (?, ?)", [AVERAGES, b"".join(map(put_varint, totals))]
    )
    conn.execute(
        f"insert into target.{table}_data values (?, ?)",
        [STRUCTURE, write_structure(cookie, counter, levels)],
    )
