"""Stories: near-duplicate copies of one article (转载, two editions) grouped under one story_id.

Scheme (chosen by measuring; bench/stories_bench.py, figures in bench/README.md):

* A body is normalised (NFKC folds full-width forms, a character map folds traditional to
  simplified script, only letters, digits and Han characters are kept) and cut into
  overlapping SHINGLE-character shingles; bodies shorter than MIN_CHARS normalised
  characters (photo captions, one-line notices) never match anything, so they cannot glue
  stories together.
* A MinHash signature (datasketch's "affine32" scheme, NUM_PERM permutations, crc32 as the
  base hash) of the shingles is stored per article, and an LSH index of BANDS bands of ROWS
  values each is kept in `story_bands` (one row per band: a 64-bit hash of the band's values).
* Two articles match when they share a band and their estimated Jaccard similarity is at
  least the threshold (default THRESHOLD, settable with `reindex --story-threshold`). A story
  is a connected component of matches; its id is the smallest article id in it, so the
  incremental result does not depend on the order of writes and equals a full rebuild.
* Triggers queue every inserted, changed or deleted article in `story_pending`; `sync()`
  (run by the store after every write, inside its transaction, STORIES being one of its
  derived indexes) re-signs them and re-clusters only the stories they belonged to and the
  ones they now match.
* Clustering links the articles of each LSH bucket breadth first (link_bucket): a story of n
  copies costs about n signature comparisons, so `reindex` and a change to one copy of a
  story grow about linearly with the story's size (bench/stories_bench.py --story).
"""

from __future__ import annotations

import array
import contextlib
import functools
import hashlib
import itertools
import random
import re
import sqlite3
import struct
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsclean.db import store

if TYPE_CHECKING:  # imported where used (~60 ms of start-up): a page or two need none
    import numpy as np

NUM_PERM = 128
BANDS, ROWS = 42, 3  # 126 of the 128 values; P(candidate) 0.98 at J=0.45, 0.29 at 0.2
SHINGLE = 5
THRESHOLD = 0.5
MIN_CHARS = 80

MEMBERS_TABLE = "story_articles"
BANDS_TABLE = "story_bands"
STORIES_TABLE = "stories"
PENDING_TABLE = "story_pending"
META_TABLE = "story_meta"
TABLES = (MEMBERS_TABLE, BANDS_TABLE, STORIES_TABLE, PENDING_TABLE, META_TABLE)

# Traditional -> simplified for the 622 traditional forms that OpenCC's s2t gives the characters of
# the test pages (alone and in context). Unmapped characters stay as they are.
_TRADITIONAL = (
    "網滎陽錦衆織萬戰凱榮潔楊麗記訊員圖謝給煩沒們無關懷顧會盡職責鑑區從說婦漢駕當時國發階現後戶瞭動軌跡講離嚴實兩測體溫規並專對幫爲夠進觸況黨張訪覈繼確診併療於產傳經"
    "級決樓棟採該斷質緒請殺處願業羣內導佈識問題學謠與幹線聯團農機門設務堅項間買難臺電鋪繡園銷攤選購復賀續報狀麼還來衛釋過醫檢結迴歸單晝贏讚賞紅軍廣華揚趙擊擔獻艱贊聞"
    "熱郵鍵詞編閱讀換藥驗總這點踐證揮優勢貢領強見顯個負匯偉勝積極場譜聽號穩濟頭爭習書調資應緊帶災謀鬥訓組響僅驚歎昇寫賦勵蘊廳統開長師礪愛義術類寶較創製鄭綠靚畫風視簡"
    "權聲繫絡嘆齊協鄧廈礎鉅猶崗奮險達議參監讓飄蔣節樣斬釘鐵鋒陣輿論環際輸擴築壘牆轄將劃車輛剛荊條饋邏牽憂勁護託邁別親辭輪終裏觀納費閃話馬摯攬雲豔構屬維腦課紀勞試評舉"
    "滿範蓮啓標辦隸鄒亞數腫絕滬贈遞牀雙攜隊禮慶圍討傷隨頻層蹟敵煙卻橋樑東縣鎮鄉氣趕橫擱綿錢據銀暫營幾窯齡歲礦溝準貧黃絲覺燒曬畢裝備縮須勸鐘豎隱遊覆賓館盤圓衝兒語淚遠"
    "誤連倆雖計邊認脫媽錄諾蓋彙濃變純厲撲撥稱臥餵飯闌擬訴筆喫龍賣陸帳燈劑執轉歡輾驟舊種擇掛態針徑複雜臨餘貼曆蘇纓慮雞鳴遷鄖鬱鍾歷閆彥貫徹鮮孫則諸惡擋溼凍臉輕菸韓噴灑"
    "謹價憲紛預騎異儘噸幟趨競撐纔縱鍛適錘鍊飛績審淺談豐養煉靜謐盧夢嬌滅鬧銳誠嗎撫駐潁莊懼呂運兇徵陳詢厭緩棄紙擺嫺掃約碼縫傑灕飲腳陰紡劉驅錚頁肅貴遼寧陝輯載鏡違許峽獼"
    "訂曉瑩揀畝鏈倉儲藉寬紹貨綜億頂財駿廚獲檔滾灣僑瑤順驛賬兌罰瀝乾側薦減稅澱欄籤註樂簽峯暉樹嶽麥搶穫糧顆稈損佔娛甦練壓額滲細淨暢"
)
_SIMPLIFIED = (
    "网荥阳锦众织万战凯荣洁杨丽记讯员图谢给烦没们无关怀顾会尽职责鉴区从说妇汉驾当时国发阶现后户了动轨迹讲离严实两测体温规并专对帮为够进触况党张访核继确诊并疗于产传经"
    "级决楼栋采该断质绪请杀处愿业群内导布识问题学谣与干线联团农机门设务坚项间买难台电铺绣园销摊选购复贺续报状么还来卫释过医检结回归单昼赢赞赏红军广华扬赵击担献艰赞闻"
    "热邮键词编阅读换药验总这点践证挥优势贡领强见显个负汇伟胜积极场谱听号稳济头争习书调资应紧带灾谋斗训组响仅惊叹升写赋励蕴厅统开长师砺爱义术类宝较创制郑绿靓画风视简"
    "权声系络叹齐协邓厦础巨犹岗奋险达议参监让飘蒋节样斩钉铁锋阵舆论环际输扩筑垒墙辖将划车辆刚荆条馈逻牵忧劲护托迈别亲辞轮终里观纳费闪话马挚揽云艳构属维脑课纪劳试评举"
    "满范莲启标办隶邹亚数肿绝沪赠递床双携队礼庆围讨伤随频层迹敌烟却桥梁东县镇乡气赶横搁绵钱据银暂营几窑龄岁矿沟准贫黄丝觉烧晒毕装备缩须劝钟竖隐游复宾馆盘圆冲儿语泪远"
    "误连俩虽计边认脱妈录诺盖汇浓变纯厉扑拨称卧喂饭阑拟诉笔吃龙卖陆帐灯剂执转欢辗骤旧种择挂态针径复杂临余贴历苏缨虑鸡鸣迁郧郁钟历闫彦贯彻鲜孙则诸恶挡湿冻脸轻烟韩喷洒"
    "谨价宪纷预骑异尽吨帜趋竞撑才纵锻适锤炼飞绩审浅谈丰养炼静谧卢梦娇灭闹锐诚吗抚驻颍庄惧吕运凶征陈询厌缓弃纸摆娴扫约码缝杰漓饮脚阴纺刘驱铮页肃贵辽宁陕辑载镜违许峡猕"
    "订晓莹拣亩链仓储借宽绍货综亿顶财骏厨获档滚湾侨瑶顺驿账兑罚沥干侧荐减税淀栏签注乐签峰晖树岳麦抢获粮颗秆损占娱苏练压额渗细净畅"
)
_TRAD_TO_SIMP = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
_NOT_WORD = re.compile(r"[\W_]+")

_SCHEMA = [
    f"create table if not exists {MEMBERS_TABLE} (article_id integer primary key, "
    "story_id integer not null, signature blob)",
    f"create index if not exists {MEMBERS_TABLE}_story on {MEMBERS_TABLE}(story_id)",
    f"create table if not exists {BANDS_TABLE} (key integer not null, "
    "article_id integer not null, primary key (key, article_id)) without rowid",
    f"create table if not exists {STORIES_TABLE} (id integer primary key, "
    "first_article_id integer not null, first_seen text, last_seen text, "
    "copies integer not null, sites text not null)",
    f"create index if not exists {STORIES_TABLE}_copies on {STORIES_TABLE}(copies)",
    f"create table if not exists {PENDING_TABLE} (article_id integer primary key)",
    f"create table if not exists {META_TABLE} (name text primary key, value text)",
    f"create trigger if not exists {STORIES_TABLE}_ai after insert on articles begin "
    f"insert or ignore into {PENDING_TABLE} values (new.id); end",
    f"create trigger if not exists {STORIES_TABLE}_au after update of body, published_at, site "
    "on articles when old.body is not new.body or old.published_at is not new.published_at "
    f"or old.site is not new.site begin insert or ignore into {PENDING_TABLE} values (new.id); end",
    f"create trigger if not exists {STORIES_TABLE}_ad after delete on articles begin "
    f"insert or ignore into {PENDING_TABLE} values (old.id); end",
]


# ---------------------------------------------------------------- signatures


def normalize(text: str | None) -> str:
    """Text as compared: full-width folded, traditional made simplified, only word characters."""
    folded = unicodedata.normalize("NFKC", text or "").translate(_TRAD_TO_SIMP).lower()
    return _NOT_WORD.sub("", folded)


def shingles(body: str | None) -> set[bytes]:
    """The SHINGLE-character shingles of the normalised body; empty when it is too short."""
    text = normalize(body)
    if len(text) < MIN_CHARS:
        return set()
    return {text[i : i + SHINGLE].encode() for i in range(len(text) - SHINGLE + 1)}


# Shingles a process signs in pure Python, in all, before it turns to numpy: importing numpy
# costs about as much CPU (~50 ms) as signing this many shingles without it (~9 ms per 1,000),
# so `clean` of a page or two never imports it, and a long run pays at most that much more
# than with numpy from the start (issue 23). Both ways give the same values.
PYTHON_SHINGLES = 5_000
_MASK = 0xFFFFFFFF
_LANE = 12  # bytes per hash in _python_signature's wide integer, a multiple of 4


@functools.cache
def _permutations() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The NUM_PERM affine permutations (a odd, b) of datasketch's MinHash(seed=1, "affine32"):
    numpy's RandomState(1).randint draws, taken from the same MT19937 stream (seeded as numpy
    seeds an integer) without numpy (tests/test_stories.py compares them with numpy's)."""
    state = [1]
    for i in range(1, 624):
        state.append((1812433253 * (state[-1] ^ (state[-1] >> 30)) + i) & _MASK)
    stream = random.Random()
    stream.setstate((3, (*state, 624), None))
    a = tuple((((stream.getrandbits(32) & 0x7FFFFFFF) << 1) | 1) for _ in range(NUM_PERM))
    b = tuple(stream.getrandbits(32) for _ in range(NUM_PERM))
    return a, b


@functools.cache
def _permutation_columns() -> tuple[np.ndarray, np.ndarray]:
    """`_permutations` as numpy columns."""
    import numpy as np

    a, b = _permutations()
    return np.array(a, dtype=np.uint32).reshape(-1, 1), np.array(b, dtype=np.uint32).reshape(-1, 1)


def _premix(hv: int) -> int:
    """The 32-bit MurmurHash3 finalizer, applied once to a base hash (as datasketch does)."""
    hv ^= hv >> 16
    hv = (hv * 0x85EBCA6B) & _MASK
    hv ^= hv >> 13
    hv = (hv * 0xC2B2AE35) & _MASK
    return hv ^ (hv >> 16)


def _premixed(hv: np.ndarray) -> np.ndarray:
    """`_premix` of every value of a uint32 array."""
    import numpy as np

    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = hv ^ (hv >> np.uint32(16))  # numpy's hints give Any here on Python 3.10
    return mixed


def signature(body: str | None) -> bytes | None:
    """The MinHash signature of a body, NUM_PERM little-endian uint32 values; None when the
    body is too short.

    The values are those of datasketch's `MinHash(num_perm=NUM_PERM, seed=1,
    hashfunc=zlib.crc32, scheme="affine32")` (a test compares them), computed here because
    importing datasketch takes about a second (its LSH module imports scipy) in every process.
    """
    grams = shingles(body)
    if not grams:
        return None
    return _numpy_signature(grams) if _with_numpy(len(grams)) else _python_signature(grams)


class _PythonBudget:
    """The shingles this process may still sign in pure Python (see PYTHON_SHINGLES)."""

    left = PYTHON_SHINGLES


def _with_numpy(shingle_count: int) -> bool:
    """Whether to sign this many shingles with numpy, else in pure Python (see PYTHON_SHINGLES)."""
    if "numpy" in sys.modules or shingle_count > _PythonBudget.left:
        return True
    _PythonBudget.left -= shingle_count
    return False


def _python_signature(grams: set[bytes]) -> bytes:
    """`signature` of these shingles, computed without numpy: a permutation is applied to all
    the hashes at once, as arithmetic on one wide integer that holds them in _LANE-byte lanes
    (a * hash + b stays below 2**65, so no lane carries into the next)."""
    hashes = b"".join(_premix(zlib.crc32(g)).to_bytes(_LANE, "little") for g in grams)
    wide = int.from_bytes(hashes, "little")
    ones = int.from_bytes((1).to_bytes(_LANE, "little") * len(grams), "little")
    lowest = []
    for a, b in zip(*_permutations()):
        lanes = array.array("I", (a * wide + b * ones).to_bytes(len(hashes), "little"))
        if sys.byteorder == "big":
            lanes.byteswap()
        lowest.append(min(lanes[:: _LANE // 4]))  # each lane's low 32 bits ("I": 32-bit)
    return struct.pack(f"<{NUM_PERM}I", *lowest)


def _numpy_signature(grams: set[bytes]) -> bytes:
    """`signature` of these shingles, computed with numpy."""
    import numpy as np

    a, b = _permutation_columns()
    hv = _premixed(np.fromiter(map(zlib.crc32, grams), dtype=np.uint32, count=len(grams)))
    permuted = hv * a  # one row per permutation: the minimum runs along contiguous memory
    permuted += b
    lowest: np.ndarray = permuted.min(axis=1)  # numpy's hints give Any here
    return lowest.astype("<u4").tobytes()


def band_keys(sig: bytes) -> list[int]:
    """The LSH keys of a signature: a signed 64-bit hash of each band and its number."""
    size = ROWS * 4
    return [
        int.from_bytes(
            hashlib.blake2b(
                sig[i * size : (i + 1) * size], digest_size=8, salt=i.to_bytes(16, "little")
            ).digest(),
            "little",
            signed=True,
        )
        for i in range(BANDS)
    ]


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal values."""
    import numpy as np

    return float(np.count_nonzero(np.frombuffer(a, dtype="<u4") == np.frombuffer(b, dtype="<u4"))) / NUM_PERM


def _stacked(sigs: dict[int, bytes], ids: Sequence[int]) -> np.ndarray:
    """The signatures of these articles as the rows of one uint32 matrix, in the order of `ids`."""
    import numpy as np

    return np.frombuffer(b"".join(sigs[a] for a in ids), dtype="<u4").reshape(len(ids), NUM_PERM)


# ---------------------------------------------------------------- schema and settings


def index_exists(db: store.Queryable) -> bool:
    """True when every story table is there."""
    names = {
        r[0]
        for r in db.execute(
            f"select name from sqlite_master where name in ({', '.join('?' * len(TABLES))})", list(TABLES)
        )
    }
    return names == set(TABLES)


def _in_transaction(db: store.Queryable) -> AbstractContextManager[Any]:
    """Join the caller's transaction, or open (and commit) one of our own: with an explicit
    BEGIN, as `with db.conn` is not one for sqlite-utils 4, whose execute() commits each
    statement run outside a transaction (a full disk left reindex's index emptied)."""
    return contextlib.nullcontext() if db.conn.in_transaction else store.immediate_transaction(db)


def ensure_index(db: store.Queryable) -> None:
    """Create the tables where missing, assigning stories to the articles already stored."""
    if not index_exists(db):
        rebuild(db)


def threshold(db: store.Queryable) -> float:
    """The similarity threshold in force for this database."""
    try:
        row = db.execute(f"select value from {META_TABLE} where name = 'threshold'").fetchone()
    except sqlite3.OperationalError:
        return THRESHOLD
    return float(row[0]) if row else THRESHOLD


def check_threshold(value: float) -> float:
    """The value when it is a usable threshold, else ValueError."""
    if not 0.3 <= value <= 1.0:
        raise ValueError(
            "the story threshold must be between 0.3 and 1.0 (below 0.3 the LSH "
            "bands miss most matching pairs)"
        )
    return value


# ---------------------------------------------------------------- matching


def candidates(db: store.Queryable, keys: list[int], exclude: int | None = None) -> list[int]:
    """Ids of the articles sharing at least one band key."""
    rows = db.execute(
        f"select distinct article_id from {BANDS_TABLE} where key in ({', '.join('?' * len(keys))})", keys
    ).fetchall()
    return [r[0] for r in rows if r[0] != exclude]


def rows_in(db: store.Queryable, sql: str, values: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql`, whose `{values}` is an IN list of the values, 500 values a query."""
    values = list(values)
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        yield from db.execute(sql.format(values=", ".join("?" * len(chunk))), chunk)


def signatures(db: store.Queryable, ids: list[int]) -> dict[int, bytes]:
    """Stored signatures of these articles (those with one)."""
    sql = (
        f"select article_id, signature from {MEMBERS_TABLE} "
        "where signature is not null and article_id in ({values})"
    )
    return dict(rows_in(db, sql, ids))


def matches(
    db: store.Queryable, sig: bytes, limit: float, exclude: int | None = None
) -> list[tuple[int, float]]:
    """(article id, similarity) of the indexed articles matching a signature, best first."""
    import numpy as np

    found = signatures(db, candidates(db, band_keys(sig), exclude))
    if not found:
        return []
    ids = list(found)
    sims = np.count_nonzero(_stacked(found, ids) == np.frombuffer(sig, dtype="<u4"), axis=1) / NUM_PERM
    return sorted(((i, float(s)) for i, s in zip(ids, sims) if s >= limit), key=lambda p: (-p[1], p[0]))


class UnionFind:
    """Disjoint sets of article ids; each set's root is its smallest id."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# Values compared in one step when linking a bucket: rows x columns x NUM_PERM (16 MB of flags).
COMPARE_BUDGET = 1 << 24


def _matching(matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray, limit: float) -> np.ndarray:
    """The positions among `cols` whose signature matches that of at least one of `rows`
    (row positions in `matrix`); a column leaves the comparison once it has matched."""
    import numpy as np

    found = []
    start = 0
    while start < rows.size and cols.size:
        step = max(1, COMPARE_BUDGET // (cols.size * NUM_PERM))
        block = matrix[rows[start : start + step]]
        same = np.count_nonzero(block[:, None, :] == matrix[cols][None, :, :], axis=2)
        hit = (same / NUM_PERM >= limit).any(axis=0)
        found.append(cols[hit])
        cols = cols[~hit]
        start += step
    return np.concatenate(found) if found else np.empty(0, dtype=np.intp)


def link_bucket(
    groups: UnionFind, ids: list[int], load: Callable[[list[int]], np.ndarray], limit: float
) -> None:
    """Join in `groups` the articles of one LSH bucket (sorted ids sharing a band) that its
    matches connect; `load(ids)` gives their signatures, one row per id.

    Breadth first from each article not yet reached, the articles reached last are compared
    with those not reached yet, all at once: a story of n copies costs about n comparisons,
    not n²/2, and its copies already joined by an earlier bucket are reached together without
    being compared (a bucket whose articles are all joined already is not read at all).
    Only a bucket of articles that match nothing in it costs n²/2, as any exact method would.
    """
    import numpy as np

    roots = np.array([groups.find(a) for a in ids])
    if (roots == roots[0]).all():
        return
    matrix = load(ids)
    unreached = np.ones(len(ids), dtype=bool)
    for seed in range(len(ids)):
        if not unreached[seed]:
            continue
        frontier = np.flatnonzero(roots == roots[seed])
        unreached[frontier] = False
        while frontier.size and unreached.any():
            found = _matching(matrix, frontier, np.flatnonzero(unreached), limit)
            for position in found:
                groups.union(ids[seed], ids[position])
            frontier = np.flatnonzero(unreached & np.isin(roots, roots[found]))
            unreached[frontier] = False


def _band_groups(matrix: np.ndarray) -> Iterator[np.ndarray]:
    """Band by band, the row positions (ascending) of the signatures sharing that band's
    values, in groups of two or more: the LSH buckets of these signatures, without hashing
    (equal values always share a band key)."""
    import numpy as np

    for band in range(BANDS):
        values = matrix[:, band * ROWS : (band + 1) * ROWS]
        order = np.lexsort(values.T[::-1])  # stable: equal rows keep their order
        ordered = values[order]
        starts = np.flatnonzero((ordered[1:] != ordered[:-1]).any(axis=1)) + 1
        for group in np.split(order, starts):
            if group.size > 1:
                yield group


def _link_region(groups: UnionFind, sigs: dict[int, bytes], limit: float) -> None:
    """Join in `groups` the articles of `sigs` that their matches with each other connect."""
    if len(sigs) < 2:
        return
    ids = sorted(sigs)
    for group in _band_groups(_stacked(sigs, ids)):
        link_bucket(groups, [ids[p] for p in group], lambda bucket: _stacked(sigs, bucket), limit)


# ---------------------------------------------------------------- writing


# A body's signature, computable in clean's workers (store.derive).
_body_signature = store.TextDerivation(signature, ("body",))


def body_blob(body: str | None) -> bytes | None:
    """A body's signature as stored (the value offered for it, when one was)."""
    sig: bytes | None = _body_signature(body)
    return sig


def _store_signature(db: store.Queryable, aid: int, sig: bytes | None) -> None:
    """Index one article as a story of its own (its story is settled by the caller)."""
    db.execute(f"insert into {MEMBERS_TABLE} values (?, ?, ?)", [aid, aid, sig])
    if sig is not None:
        db.conn.executemany(
            f"insert or ignore into {BANDS_TABLE} values (?, ?)", [(k, aid) for k in band_keys(sig)]
        )


def _drop_article(db: store.Queryable, aid: int) -> int | None:
    """Remove an article from the index; return the story it was in."""
    row = db.execute(
        f"select story_id, signature from {MEMBERS_TABLE} where article_id = ?", [aid]
    ).fetchone()
    if row is None:
        return None
    sig = row[1]
    if sig is not None:
        db.conn.executemany(
            f"delete from {BANDS_TABLE} where key = ? and article_id = ?", [(k, aid) for k in band_keys(sig)]
        )
    db.execute(f"delete from {MEMBERS_TABLE} where article_id = ?", [aid])
    return int(row[0])


def _members(db: store.Queryable, story_ids: Iterable[int]) -> set[int]:
    """Article ids of these stories."""
    sql = f"select article_id from {MEMBERS_TABLE} where story_id in ({{values}})"
    return {r[0] for r in rows_in(db, sql, set(story_ids))}


def _story_of(db: store.Queryable, ids: Iterable[int]) -> dict[int, int]:
    """{article id: story id} for these articles."""
    sql = f"select article_id, story_id from {MEMBERS_TABLE} where article_id in ({{values}})"
    return dict(rows_in(db, sql, set(ids)))


def story_row(story_id: int, members: list[tuple[int, str | None, str | None]]) -> tuple[Any, ...]:
    """A stories row from its members' (id, published_at, site)."""
    dated = sorted((p, i) for i, p, _ in members if p)
    first = dated[0][1] if dated else min(i for i, _, _ in members)
    sites = ", ".join(sorted({s for _, _, s in members if s}))
    return (
        story_id,
        first,
        dated[0][0] if dated else None,
        dated[-1][0] if dated else None,
        len(members),
        sites,
    )


def refresh_stories(db: store.Queryable, story_ids: set[int]) -> None:
    """Recompute the stories rows of these story ids from their members."""
    ids = list(story_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.execute(
            f"select m.story_id, a.id, a.published_at, a.site from {MEMBERS_TABLE} m "
            f"join articles a on a.id = m.article_id where m.story_id in "
            f"({', '.join('?' * len(chunk))}) order by m.story_id",
            chunk,
        ).fetchall()
        grouped: dict[int, list[tuple[int, str | None, str | None]]] = {}
        for sid, aid, published, site in rows:
            grouped.setdefault(sid, []).append((aid, published, site))
        db.conn.executemany(
            f"insert or replace into {STORIES_TABLE} values (?, ?, ?, ?, ?, ?)",
            [story_row(s, m) for s, m in grouped.items()],
        )


def pending_count(db: store.Queryable) -> int:
    """How many article changes wait to be assigned a story."""
    return int(db.execute(f"select count(*) from {PENDING_TABLE}").fetchone()[0])


def sync(db: store.Queryable) -> int:
    """Assign stories to the pending (new, changed, deleted) articles; return how many."""
    ensure_index(db)
    pending = [r[0] for r in db.execute(f"select article_id from {PENDING_TABLE} order by 1")]
    if not pending:
        return 0
    limit = threshold(db)
    with _in_transaction(db):
        old_stories: set[int] = set()  # the stories the pending articles were in
        fresh: list[int] = []  # the pending articles still stored, signed again
        for aid in pending:
            old = _drop_article(db, aid)
            if old is not None:
                old_stories.add(old)
            row = db.execute("select body from articles where id = ?", [aid]).fetchone()
            if row is not None:
                _store_signature(db, aid, _body_signature(row[0]))
                fresh.append(aid)
        _recluster(db, old_stories, fresh, limit)
        db.conn.executemany(f"delete from {PENDING_TABLE} where article_id = ?", [(a,) for a in pending])
    return len(pending)


def _recluster(db: store.Queryable, old_stories: set[int], fresh: list[int], limit: float) -> None:
    """Settle the stories of the fresh articles (signatures stored, each its own story) and of
    the stories the pending articles were in, as a rebuild would.

    Only the pending articles changed any match. The region (the members of the old stories,
    and the fresh articles) is linked anew among itself, as an article changed or removed may
    split its story; a story outside the region joins whole once a fresh article matches one
    of its copies (they are connected already), and stories a fresh article bridges merge
    under their smallest id. Each step costs about the number of copies involved, not its
    square (see link_bucket), so changing one copy of a large story stays cheap.
    """
    region = sorted(_members(db, old_stories | set(fresh)))
    sigs = signatures(db, region)
    groups = UnionFind()
    for aid in region:
        groups.find(aid)
    _link_region(groups, sigs, limit)
    outside = _join_outside(db, [a for a in fresh if a in sigs], sigs, groups, limit)
    merged = [(groups.find(s), s) for s in outside if groups.find(s) != s]
    db.conn.executemany(f"update {MEMBERS_TABLE} set story_id = ? where story_id = ?", merged)
    db.conn.executemany(
        f"update {MEMBERS_TABLE} set story_id = ? where article_id = ?", [(groups.find(a), a) for a in region]
    )
    gone = old_stories | set(fresh) | {s for _, s in merged}
    db.conn.executemany(f"delete from {STORIES_TABLE} where id = ?", [(s,) for s in gone])
    refresh_stories(db, {groups.find(a) for a in region})


def _join_outside(
    db: store.Queryable, fresh: list[int], sigs: dict[int, bytes], groups: UnionFind, limit: float
) -> set[int]:
    """Join each fresh article (with a signature) in `groups` to the stories outside the
    region (the articles of `groups`) it matches; return the outside stories it shares a
    band with.

    The band holders of all the fresh articles are read at once, and a story is tried only
    while it is not yet joined to the article's group: in a story of many copies, one
    matching copy suffices, so the cost does not grow with the story's size.
    """
    keys = {aid: band_keys(sigs[aid]) for aid in fresh}
    region = groups.parent
    holders = {
        key: [h for h in hs if h not in region]
        for key, hs in _holders(db, {k for ks in keys.values() for k in ks}).items()
    }
    story = _story_of(db, {h for hs in holders.values() for h in hs})
    known = Signatures(db, sigs)
    for aid in fresh:
        own = [k for k in keys[aid] if holders.get(k)]
        for sid in sorted({story[h] for k in own for h in holders[k]}):
            if groups.find(sid) == groups.find(aid):
                continue  # a match would join nothing new
            members = (h for k in own for h in holders[k] if story[h] == sid)
            if any(known.similar(aid, other, limit) for other in members):
                groups.union(aid, sid)
    return set(story.values())


def _holders(db: store.Queryable, keys: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """{band key: the ids of the articles holding it}."""
    sql = f"select key, group_concat(article_id) from {BANDS_TABLE} where key in ({{values}}) group by key"
    return {key: tuple(map(int, ids.split(","))) for key, ids in rows_in(db, sql, sorted(keys))}


class Signatures:
    """Stored signatures read when first compared (the new articles' given), and the pairs
    compared, so that a pair sharing several bands is compared once."""

    def __init__(self, db: store.Queryable, given: dict[int, bytes]) -> None:
        self.db = db
        self.cache = dict(given)
        self.compared: set[tuple[int, int]] = set()

    def of(self, aid: int) -> bytes:
        """The signature of an article that has one."""
        if aid not in self.cache:
            self.cache[aid] = self.db.execute(
                f"select signature from {MEMBERS_TABLE} where article_id = ?", [aid]
            ).fetchone()[0]
        return self.cache[aid]

    def similar(self, a: int, b: int, limit: float) -> bool:
        """True when the two articles match; False too when this pair was compared before."""
        if (a, b) in self.compared:
            return False
        self.compared.add((a, b))
        return similarity(self.of(a), self.of(b)) >= limit


def rebuild(db: store.Queryable, limit: float | None = None) -> dict[str, int]:
    """Recompute every signature and story from the articles; return counts."""
    with _in_transaction(db):
        limit = check_threshold(limit) if limit is not None else threshold(db)
        for sql in _SCHEMA:
            db.execute(sql)
        for table in (MEMBERS_TABLE, BANDS_TABLE, STORIES_TABLE, PENDING_TABLE):
            db.execute(f"delete from {table}")
        db.execute(f"insert or replace into {META_TABLE} values ('threshold', ?)", [str(limit)])
        last = -1 << 62
        while True:
            batch = db.execute(
                "select id, body from articles where id > ? order by id limit 2000", [last]
            ).fetchall()
            if not batch:
                break
            members, bands = [], []
            for aid, body in batch:
                sig = signature(body)
                members.append((aid, aid, sig))
                bands += [] if sig is None else [(k, aid) for k in band_keys(sig)]
            db.conn.executemany(f"insert into {MEMBERS_TABLE} values (?, ?, ?)", members)
            db.conn.executemany(f"insert or ignore into {BANDS_TABLE} values (?, ?)", bands)
            last = batch[-1][0]
        groups = UnionFind()
        buckets = db.execute(
            f"select group_concat(article_id) from {BANDS_TABLE} group by key having count(*) > 1"
        )
        for (ids_text,) in buckets.fetchall():
            ids = sorted(int(x) for x in ids_text.split(","))
            link_bucket(groups, ids, lambda bucket: _stacked(signatures(db, bucket), bucket), limit)
        db.conn.executemany(
            f"update {MEMBERS_TABLE} set story_id = ? where article_id = ?",
            [(groups.find(a), a) for a in groups.parent],
        )
        rows = db.execute(
            f"select m.story_id, a.id, a.published_at, a.site from {MEMBERS_TABLE} "
            "m join articles a on a.id = m.article_id order by m.story_id"
        )
        out = [
            story_row(sid, [(aid, published, site) for _, aid, published, site in members])
            for sid, members in itertools.groupby(rows.fetchall(), key=lambda row: row[0])
        ]
        db.conn.executemany(f"insert into {STORIES_TABLE} values (?, ?, ?, ?, ?, ?)", out)
    return {
        "articles": sum(r[4] for r in out),
        "stories": len(out),
        "with_copies": sum(1 for r in out if r[4] > 1),
    }


class Bulk:
    """The story tables of a fresh database made in one pass, from signatures computed
    beforehand (where the articles were extracted): the articles added (and removed) as they
    are written, each one's band keys computed then; at the end, `tables` links the same
    buckets as `rebuild` (articles sharing a band key, in key order) with link_bucket."""

    def __init__(self) -> None:
        self.articles: dict[int, tuple[bytes | None, str | None, str | None]] = {}
        self.keys: dict[int, np.ndarray] = {}  # (an array: a third of a list's memory)

    def add(self, aid: int, sig: bytes | None, published_at: str | None, site: str | None) -> None:
        """An article written (again), with its signature (None: too short to have one)."""
        self.articles[aid] = (sig, published_at, site)
        if sig is None:
            self.keys.pop(aid, None)
        else:
            import numpy as np

            self.keys[aid] = np.array(band_keys(sig), dtype=np.int64)

    def remove(self, aid: int) -> None:
        """An article deleted."""
        self.articles.pop(aid, None)
        self.keys.pop(aid, None)

    def tables(
        self, limit: float
    ) -> tuple[list[tuple[Any, ...]], list[tuple[int, int]], list[tuple[Any, ...]]]:
        """The rows of story_articles, story_bands and stories that `rebuild` makes of a
        database holding just these articles."""
        import numpy as np

        ids = sorted(self.articles)
        sigs = {aid: sig for aid in ids if (sig := self.articles[aid][0]) is not None}
        signed = sorted(self.keys)
        keys = np.concatenate([self.keys[aid] for aid in signed]) if signed else np.empty(0, dtype=np.int64)
        holders = np.repeat(np.array(signed, dtype=np.int64), BANDS)
        order = np.lexsort((holders, keys))
        keys, holders = keys[order], holders[order]
        kept = np.ones(keys.size, dtype=bool)  # (a key held twice by one article: one row)
        kept[1:] = (keys[1:] != keys[:-1]) | (holders[1:] != holders[:-1])
        keys, holders = keys[kept], holders[kept]
        groups = UnionFind()
        for aid in ids:
            groups.find(aid)
        starts = np.flatnonzero(np.diff(keys)) + 1
        for start, end in zip([0, *starts.tolist()], [*starts.tolist(), keys.size]):
            if end - start > 1:
                link_bucket(groups, holders[start:end].tolist(), lambda chosen: _stacked(sigs, chosen), limit)
        members = [(aid, groups.find(aid), self.articles[aid][0]) for aid in ids]
        grouped: dict[int, list[tuple[int, str | None, str | None]]] = {}
        for aid, story, _ in members:
            grouped.setdefault(story, []).append((aid, *self.articles[aid][1:]))
        bands = list(zip(keys.tolist(), holders.tolist()))
        return members, bands, [story_row(story, grouped[story]) for story in sorted(grouped)]


class StoryIndex:
    """Story detection as a stage after the write (a store.DerivedIndex; db/stages.py)."""

    derivations: tuple[store.TextDerivation, ...] = (_body_signature,)
    create = staticmethod(ensure_index)
    exists = staticmethod(index_exists)
    sync = staticmethod(sync)
    pending = staticmethod(pending_count)

    def rebuild(self, db: store.Queryable) -> int:
        """See rebuild (at the threshold in force); the number of articles."""
        return rebuild(db)["articles"]


STORIES = StoryIndex()


# ---------------------------------------------------------------- reading


def story_id_of(db: store.Queryable, article_id: int) -> int | None:
    """The story of an article; None when it has none yet (or the database has no stories)."""
    try:
        row = db.execute(
            f"select story_id from {MEMBERS_TABLE} where article_id = ?", [article_id]
        ).fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


@dataclass
class Copy:
    """One copy of a story, compared with the story's first copy."""

    id: int
    site: str
    published_at: str | None
    title: str
    url: str | None
    similarity: float
    added: list[str]
    removed: list[str]
    changed: list[str]


def list_stories(db: store.Queryable, min_copies: int = 2, limit: int = 20) -> list[dict[str, Any]]:
    """The largest stories (most copies first, then the earliest), with their first copy's title."""
    cursor = db.execute(
        f"select s.id, s.copies, s.sites, s.first_seen, s.last_seen, s.first_article_id, "
        f"a.title from {STORIES_TABLE} s join articles a on a.id = s.first_article_id "
        "where s.copies >= ? order by s.copies desc, s.first_seen is null, s.first_seen, s.id "
        "limit ?",
        [min_copies, limit],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def story_counts(db: store.Queryable) -> tuple[int, int, int]:
    """(articles, stories, stories with two or more copies)."""
    row = db.execute(
        f"select coalesce(sum(copies), 0), count(*), coalesce(sum(copies > 1), 0) from {STORIES_TABLE}"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def _paragraphs(body: str | None) -> list[str]:
    return [p for p in (body or "").split("\n") if p.strip()]


def compare(base: list[str], other: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Paragraphs of `other` added and `base` removed; `changed` are the other's rewrites of a
    base paragraph (most of their text in common), matched after normalising both."""
    import difflib

    a, b = [normalize(p) for p in base], [normalize(p) for p in other]
    added, removed, changed = [], [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        news = list(range(j1, j2))
        for i in range(i1, i2):
            ratios = [(difflib.SequenceMatcher(None, a[i], b[j], autojunk=False).ratio(), j) for j in news]
            best = max(ratios, default=(0.0, -1))
            if best[0] >= 0.5:
                changed.append(other[best[1]])
                news.remove(best[1])
            else:
                removed.append(base[i])
        added += [other[j] for j in news]
    return added, removed, changed


def story_copies(db: store.Queryable, ref: int) -> tuple[dict[str, Any], list[Copy]] | None:
    """The story with this id (or the story of the article with this id) and its copies, the
    first copy first, then by date; None when there is no such story (or none of its copies
    is stored any more)."""
    row = db.execute(f"select * from {STORIES_TABLE} where id = ?", [ref]).fetchone()
    if row is None:
        sid = story_id_of(db, ref)
        if sid is None:
            return None
        row = db.execute(f"select * from {STORIES_TABLE} where id = ?", [sid]).fetchone()
    info = dict(zip(["id", "first_article_id", "first_seen", "last_seen", "copies", "sites"], row))
    rows = db.execute(
        f"select a.id, a.site, a.published_at, a.title, a.url, a.body, m.signature "
        f"from {MEMBERS_TABLE} m join articles a on a.id = m.article_id where m.story_id = ? "
        "order by a.id = ? desc, a.published_at is null, a.published_at, a.id",
        [info["id"], info["first_article_id"]],
    ).fetchall()
    if not rows:  # its articles deleted outside newsclean since the index was synced
        return None
    base_body, base_sig = _paragraphs(rows[0][5]), rows[0][6]
    copies = []
    for aid, site, published, title, url, body, sig in rows:
        sim = similarity(base_sig, sig) if base_sig is not None and sig is not None else 1.0
        added, removed, changed = compare(base_body, _paragraphs(body))
        copies.append(Copy(aid, site, published, title, url, sim, added, removed, changed))
    return info, copies


def collapse(db: store.Queryable, hits: Iterable[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The best hit of each story (hits come best first), at most `limit`, each with its
    story_id and the story's number of copies."""
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for hit in hits:
        sid = story_id_of(db, hit["id"]) or hit["id"]
        if sid in seen:
            continue
        seen.add(sid)
        row = db.execute(f"select copies from {STORIES_TABLE} where id = ?", [sid]).fetchone()
        out.append({**hit, "story_id": sid, "copies": row[0] if row else 1})
        if len(out) == limit:
            break
    return out
