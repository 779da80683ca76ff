"""Stories: near-duplicate copies of one article (转载, two editions) grouped under one story_id.

Scheme (chosen by measuring; bench/stories_bench.py, figures in bench/README.md):

* A body is normalised (NFKC folds full-width forms, a character map folds traditional to
  simplified script, only letters, digits and Han characters are kept) and cut into
  overlapping SHINGLE-character shingles; bodies shorter than MIN_CHARS normalised
  characters (photo captions, one-line notices) never match anything, so they cannot glue
  stories together.
* A MinHash signature (datasketch, NUM_PERM permutations, crc32 as the base hash) of the
  shingles is stored per article, and an LSH index of BANDS bands of ROWS values each is kept
  in `story_bands` (one row per band: a 64-bit hash of the band's values).
* Two articles match when they share a band and their estimated Jaccard similarity is at
  least the threshold (default THRESHOLD, settable with `reindex --story-threshold`). A story
  is a connected component of matches; its id is the smallest article id in it, so the
  incremental result does not depend on the order of writes and equals a full rebuild.
* Triggers queue every inserted, changed or deleted article in `story_pending`; `sync()`
  (the store hook, inside the write's transaction) re-signs them and re-clusters only the
  stories they belonged to and the ones they now match.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Any, ContextManager, Iterable, Iterator

import numpy as np
import sqlite_utils
from datasketch import MinHash

from db import store

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

# Traditional -> simplified for the 591 characters of the test pages that differ in the two
# scripts (the pairs come from OpenCC's s2t table). Unmapped characters stay as they are.
_TRADITIONAL = (
    "萬與專業東絲兩嚴個豐臨爲麗舉麼義樂習鄉書買爭於雲亞產畝親億僅從倉們價衆優會偉傳傷體餘側僑倆儲兒兌黨關養內寫軍農衝決況凍淨準減幾凱兇擊劃劉則剛創別劑勸辦務動勵勁勞"
    "勢區醫華協單賣佔盧臥衛卻廳歷厲壓厭廈廚縣參雙發變臺號嘆喫後呂嗎噸聽啓員響噴團園圍國圖圓場堅壘牆聲處備復夠頭奮婦媽嬌娛嫺孫學寧寶實審憲寬賓對導將盡層屬歲崗嶽峽峯師"
    "帳幟帶幫幹並廣莊慶牀應開異棄張強歸當錄彥徹徵徑憂懷態總惡驚懼願戰戶撲執擴掃揚撫搶護報擔擬揀撥擇掛摯擋揮損換據攬擱攜擺攤撐敵數鬥斬斷無舊時晝顯曬曉暉暫術機殺雜權條"
    "來楊傑極構標棟欄樹樣檔橋夢檢樓橫歡畢氣匯漢溝沒瀝滬淚潔灑淺測濟濃澱滲溫遊灣溼滾滿滅燈災點煉煙煩燒熱愛牽狀猶獼獻環現瑤電畫暢療監蓋盤礦碼礪礎確禮離稈種積稱稅穩窯豎"
    "競筆築籤簡類糧緊紅約級紀純納縱紛紙紡線練組細織終紹經結給絡絕統繡繼績緒續維綿綜綠緩編縫纓縮網罰羣職聯肅腫勝腦腳脫臉輿艱豔節蘇範荊薦榮滎藥蓮獲瑩營蔣蘊慮雖裝見觀規"
    "視覺觸計訂認討讓訓議訊記講許論設訪證評識訴診詞試誠話詢該語誤說請諸諾讀課調談謀謝謠謐謹譜負貢財責賬貨質貧購貫貼貴費賀資賦賞贊贈贏趙趕趨踐車軌轉輪輕載較輛輯輸轄輾"
    "辭邊遼達遷過邁運還這進遠違連跡適選遞邏鄧郵鄒鬱鄭鄖採釋裏鑑針釘鍾錢鐵錚銀鋪鏈銷鋒銳錘錦鍵鍛鎮鏡長門閃閆問間鬧聞閱闌隊陽陰陣階際陸陳陝險隨隱隸難靚靜韓頁頂項順須顧"
    "預領潁頻顆題額風飄飛飯飲館饋馬驅駐駕驛驗駿騎驟鮮雞鳴麥黃齊齡龍"
)
_SIMPLIFIED = (
    "万与专业东丝两严个丰临为丽举么义乐习乡书买争于云亚产亩亲亿仅从仓们价众优会伟传伤体余侧侨俩储儿兑党关养内写军农冲决况冻净准减几凯凶击划刘则刚创别剂劝办务动励劲劳"
    "势区医华协单卖占卢卧卫却厅历厉压厌厦厨县参双发变台号叹吃后吕吗吨听启员响喷团园围国图圆场坚垒墙声处备复够头奋妇妈娇娱娴孙学宁宝实审宪宽宾对导将尽层属岁岗岳峡峰师"
    "帐帜带帮干并广庄庆床应开异弃张强归当录彦彻征径忧怀态总恶惊惧愿战户扑执扩扫扬抚抢护报担拟拣拨择挂挚挡挥损换据揽搁携摆摊撑敌数斗斩断无旧时昼显晒晓晖暂术机杀杂权条"
    "来杨杰极构标栋栏树样档桥梦检楼横欢毕气汇汉沟没沥沪泪洁洒浅测济浓淀渗温游湾湿滚满灭灯灾点炼烟烦烧热爱牵状犹猕献环现瑶电画畅疗监盖盘矿码砺础确礼离秆种积称税稳窑竖"
    "竞笔筑签简类粮紧红约级纪纯纳纵纷纸纺线练组细织终绍经结给络绝统绣继绩绪续维绵综绿缓编缝缨缩网罚群职联肃肿胜脑脚脱脸舆艰艳节苏范荆荐荣荥药莲获莹营蒋蕴虑虽装见观规"
    "视觉触计订认讨让训议讯记讲许论设访证评识诉诊词试诚话询该语误说请诸诺读课调谈谋谢谣谧谨谱负贡财责账货质贫购贯贴贵费贺资赋赏赞赠赢赵赶趋践车轨转轮轻载较辆辑输辖辗"
    "辞边辽达迁过迈运还这进远违连迹适选递逻邓邮邹郁郑郧采释里鉴针钉钟钱铁铮银铺链销锋锐锤锦键锻镇镜长门闪闫问间闹闻阅阑队阳阴阵阶际陆陈陕险随隐隶难靓静韩页顶项顺须顾"
    "预领颍频颗题额风飘飞饭饮馆馈马驱驻驾驿验骏骑骤鲜鸡鸣麦黄齐龄龙"
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
    return {text[i:i + SHINGLE].encode() for i in range(len(text) - SHINGLE + 1)}


def _crc32(data: bytes) -> int:
    """The base hash of a shingle (fast and stable across processes)."""
    return zlib.crc32(data)


_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations


def signature(body: str | None) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32 values) of a body; None when it is too short."""
    grams = shingles(body)
    if not grams:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_crc32, scheme="affine32",
                 permutations=_PERMUTATIONS)
    mh.update_batch(grams)
    return mh.hashvalues.astype("<u4")


def band_keys(sig: np.ndarray) -> list[int]:
    """The LSH keys of a signature: a signed 64-bit hash of each band and its number."""
    raw = sig.astype("<u4").tobytes()
    size = ROWS * 4
    return [int.from_bytes(hashlib.blake2b(raw[i * size:(i + 1) * size], digest_size=8,
                                           salt=i.to_bytes(16, "little")).digest(),
                           "little", signed=True) for i in range(BANDS)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def _blob(sig: np.ndarray | None) -> bytes | None:
    return None if sig is None else sig.astype("<u4").tobytes()


def _sig(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype="<u4")


# ---------------------------------------------------------------- schema and settings

def index_exists(db: sqlite_utils.Database) -> bool:
    """True when every story table is there."""
    names = {r[0] for r in db.execute(
        f"select name from sqlite_master where name in ({', '.join('?' * len(TABLES))})",
        list(TABLES))}
    return names == set(TABLES)


def _in_transaction(db: sqlite_utils.Database) -> ContextManager[Any]:
    """Join the caller's transaction, or open (and commit) one of our own."""
    return contextlib.nullcontext() if db.conn.in_transaction else db.conn


def ensure_index(db: sqlite_utils.Database) -> None:
    """store.SCHEMA_HOOKS callback: create the tables, assigning stories to existing articles."""
    if not index_exists(db):
        rebuild(db)


def threshold(db: sqlite_utils.Database) -> float:
    """The similarity threshold in force for this database."""
    try:
        row = db.execute(f"select value from {META_TABLE} where name = 'threshold'").fetchone()
    except sqlite3.OperationalError:
        return THRESHOLD
    return float(row[0]) if row else THRESHOLD


def check_threshold(value: float) -> float:
    """The value when it is a usable threshold, else ValueError."""
    if not 0.3 <= value <= 1.0:
        raise ValueError("the story threshold must be between 0.3 and 1.0 (below 0.3 the LSH "
                         "bands miss most matching pairs)")
    return value


# ---------------------------------------------------------------- matching

def candidates(db: sqlite_utils.Database, keys: list[int], exclude: int | None = None) -> list[int]:
    """Ids of the articles sharing at least one band key."""
    rows = db.execute(f"select distinct article_id from {BANDS_TABLE} "
                      f"where key in ({', '.join('?' * len(keys))})", keys).fetchall()
    return [r[0] for r in rows if r[0] != exclude]


def signatures(db: sqlite_utils.Database, ids: list[int]) -> dict[int, np.ndarray]:
    """Stored signatures of these articles (those with one)."""
    out: dict[int, np.ndarray] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for aid, blob in db.execute(
                f"select article_id, signature from {MEMBERS_TABLE} where signature is not null "
                f"and article_id in ({', '.join('?' * len(chunk))})", chunk):
            out[aid] = np.frombuffer(blob, dtype="<u4")
    return out


def matches(db: sqlite_utils.Database, sig: np.ndarray, limit: float,
            exclude: int | None = None) -> list[tuple[int, float]]:
    """(article id, similarity) of the indexed articles matching a signature, best first."""
    found = signatures(db, candidates(db, band_keys(sig), exclude))
    if not found:
        return []
    ids = list(found)
    sims = np.count_nonzero(np.stack([found[i] for i in ids]) == sig, axis=1) / NUM_PERM
    return sorted(((i, float(s)) for i, s in zip(ids, sims) if s >= limit),
                  key=lambda p: (-p[1], p[0]))


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


# ---------------------------------------------------------------- writing

def _store_signature(db: sqlite_utils.Database, aid: int, sig: np.ndarray | None) -> None:
    """Index one article as a story of its own (its story is settled by the caller)."""
    db.execute(f"insert into {MEMBERS_TABLE} values (?, ?, ?)", [aid, aid, _blob(sig)])
    if sig is not None:
        db.conn.executemany(f"insert or ignore into {BANDS_TABLE} values (?, ?)",
                            [(k, aid) for k in band_keys(sig)])


def _drop_article(db: sqlite_utils.Database, aid: int) -> int | None:
    """Remove an article from the index; return the story it was in."""
    row = db.execute(f"select story_id, signature from {MEMBERS_TABLE} where article_id = ?",
                     [aid]).fetchone()
    if row is None:
        return None
    sig = _sig(row[1])
    if sig is not None:
        db.conn.executemany(f"delete from {BANDS_TABLE} where key = ? and article_id = ?",
                            [(k, aid) for k in band_keys(sig)])
    db.execute(f"delete from {MEMBERS_TABLE} where article_id = ?", [aid])
    return int(row[0])


def _members(db: sqlite_utils.Database, story_ids: Iterable[int]) -> set[int]:
    """Article ids of these stories."""
    ids = list(set(story_ids))
    out: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        out.update(r[0] for r in db.execute(
            f"select article_id from {MEMBERS_TABLE} where story_id in "
            f"({', '.join('?' * len(chunk))})", chunk))
    return out


def _story_of(db: sqlite_utils.Database, ids: Iterable[int]) -> dict[int, int]:
    """{article id: story id} for these articles."""
    ids = list(set(ids))
    out: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        out.update(db.execute(f"select article_id, story_id from {MEMBERS_TABLE} where "
                              f"article_id in ({', '.join('?' * len(chunk))})", chunk).fetchall())
    return out


def _write_stories(db: sqlite_utils.Database, groups: UnionFind, old_stories: set[int]) -> None:
    """Store the components of `groups` as stories, replacing the stories in old_stories."""
    db.conn.executemany(f"delete from {STORIES_TABLE} where id = ?", [(s,) for s in old_stories])
    db.conn.executemany(f"update {MEMBERS_TABLE} set story_id = ? where article_id = ?",
                        [(groups.find(a), a) for a in groups.parent])
    refresh_stories(db, {groups.find(a) for a in groups.parent})


def story_row(story_id: int, members: list[tuple[int, str | None, str | None]]) -> tuple[Any, ...]:
    """A stories row from its members' (id, published_at, site)."""
    dated = sorted((p, i) for i, p, _ in members if p)
    first = dated[0][1] if dated else min(i for i, _, _ in members)
    sites = ", ".join(sorted({s for _, _, s in members if s}))
    return (story_id, first, dated[0][0] if dated else None, dated[-1][0] if dated else None,
            len(members), sites)


def refresh_stories(db: sqlite_utils.Database, story_ids: set[int]) -> None:
    """Recompute the stories rows of these story ids from their members."""
    ids = list(story_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = db.execute(
            f"select m.story_id, a.id, a.published_at, a.site from {MEMBERS_TABLE} m "
            f"join articles a on a.id = m.article_id where m.story_id in "
            f"({', '.join('?' * len(chunk))}) order by m.story_id", chunk).fetchall()
        grouped: dict[int, list[tuple[int, str | None, str | None]]] = {}
        for sid, aid, published, site in rows:
            grouped.setdefault(sid, []).append((aid, published, site))
        db.conn.executemany(f"insert or replace into {STORIES_TABLE} values (?, ?, ?, ?, ?, ?)",
                            [story_row(s, m) for s, m in grouped.items()])


def pending_count(db: sqlite_utils.Database) -> int:
    """How many article changes wait to be assigned a story."""
    return db.execute(f"select count(*) from {PENDING_TABLE}").fetchone()[0]


def sync(db: sqlite_utils.Database) -> int:
    """Assign stories to the pending (new, changed, deleted) articles; return how many."""
    ensure_index(db)
    pending = [r[0] for r in db.execute(f"select article_id from {PENDING_TABLE} order by 1")]
    if not pending:
        return 0
    limit = threshold(db)
    with _in_transaction(db):
        affected: set[int] = set()  # stories whose members must be re-clustered
        for aid in pending:
            old = _drop_article(db, aid)
            if old is not None:
                affected.add(old)
            row = db.execute("select body from articles where id = ?", [aid]).fetchone()
            if row is not None:
                _store_signature(db, aid, signature(row[0]))
                affected.add(aid)
        region = _members(db, affected) | (set(pending) & set(_story_of(db, pending)))
        groups = UnionFind()
        sigs = signatures(db, sorted(region))
        for aid in region:
            groups.find(aid)
            if aid in sigs:
                for other, _ in matches(db, sigs[aid], limit, exclude=aid):
                    groups.union(aid, other)
        # Stories reached from the region but not re-clustered keep their members together.
        joined = _story_of(db, [a for a in groups.parent if a not in region])
        for aid, sid in joined.items():
            affected.add(sid)
            for member in _members(db, [sid]):
                groups.union(member, sid)
        _write_stories(db, groups, affected | set(pending))
        db.conn.executemany(f"delete from {PENDING_TABLE} where article_id = ?",
                            [(a,) for a in pending])
    return len(pending)


def rebuild(db: sqlite_utils.Database, limit: float | None = None) -> dict[str, int]:
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
            batch = db.execute("select id, body from articles where id > ? order by id "
                               "limit 2000", [last]).fetchall()
            if not batch:
                break
            members, bands = [], []
            for aid, body in batch:
                sig = signature(body)
                members.append((aid, aid, _blob(sig)))
                bands += [] if sig is None else [(k, aid) for k in band_keys(sig)]
            db.conn.executemany(f"insert into {MEMBERS_TABLE} values (?, ?, ?)", members)
            db.conn.executemany(f"insert or ignore into {BANDS_TABLE} values (?, ?)", bands)
            last = batch[-1][0]
        groups = UnionFind()
        checked: set[tuple[int, int]] = set()
        buckets = db.execute(f"select group_concat(article_id) from {BANDS_TABLE} "
                             "group by key having count(*) > 1")
        for (ids_text,) in buckets.fetchall():
            ids = sorted(int(x) for x in ids_text.split(","))
            pairs = [(a, b) for n, a in enumerate(ids) for b in ids[n + 1:]
                     if (a, b) not in checked and groups.find(a) != groups.find(b)]
            if not pairs:
                continue
            checked.update(pairs)
            sigs = signatures(db, ids)
            for a, b in pairs:
                if similarity(sigs[a], sigs[b]) >= limit:
                    groups.union(a, b)
        db.conn.executemany(f"update {MEMBERS_TABLE} set story_id = ? where article_id = ?",
                            [(groups.find(a), a) for a in groups.parent])
        rows = db.execute(f"select m.story_id, a.id, a.published_at, a.site from {MEMBERS_TABLE} "
                          "m join articles a on a.id = m.article_id order by m.story_id")
        current: list[tuple[int, str | None, str | None]] = []
        sid = None
        out: list[tuple[Any, ...]] = []
        for story, aid, published, site in rows.fetchall():
            if story != sid and current:
                out.append(story_row(sid, current))  # type: ignore[arg-type]
                current = []
            sid = story
            current.append((aid, published, site))
        if current:
            out.append(story_row(sid, current))  # type: ignore[arg-type]
        db.conn.executemany(f"insert into {STORIES_TABLE} values (?, ?, ?, ?, ?, ?)", out)
    return {"articles": sum(r[4] for r in out), "stories": len(out),
            "with_copies": sum(1 for r in out if r[4] > 1)}


def _on_articles_changed(db: sqlite_utils.Database, ids: list[int]) -> None:
    """store.ARTICLE_HOOKS callback: assign stories to what was just written."""
    sync(db)


if _on_articles_changed not in store.ARTICLE_HOOKS:
    store.ARTICLE_HOOKS.append(_on_articles_changed)
if ensure_index not in store.SCHEMA_HOOKS:
    store.SCHEMA_HOOKS.append(ensure_index)


# ---------------------------------------------------------------- reading

def readable(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """`db` when every article has its story, else an in-memory copy brought up to date.

    Query commands open the database read-only; a database from before stories, or one
    changed by plain SQL since the last write through newsclean, is read from a synced copy.
    """
    try:
        if index_exists(db) and not pending_count(db):
            return db
    except sqlite3.OperationalError:
        pass
    copy = sqlite_utils.Database(sqlite3.connect(":memory:"))
    db.conn.backup(copy.conn)
    sync(copy)
    return copy


def story_id_of(db: sqlite_utils.Database, article_id: int) -> int | None:
    """The story of an article; None when it has none yet (or the database has no stories)."""
    try:
        row = db.execute(f"select story_id from {MEMBERS_TABLE} where article_id = ?",
                         [article_id]).fetchone()
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


def list_stories(db: sqlite_utils.Database, min_copies: int = 2, limit: int = 20
                 ) -> list[dict[str, Any]]:
    """The largest stories (most copies first, then the earliest), with their first copy's title."""
    cursor = db.execute(
        f"select s.id, s.copies, s.sites, s.first_seen, s.last_seen, s.first_article_id, "
        f"a.title from {STORIES_TABLE} s join articles a on a.id = s.first_article_id "
        "where s.copies >= ? order by s.copies desc, s.first_seen is null, s.first_seen, s.id "
        "limit ?", [min_copies, limit])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def story_counts(db: sqlite_utils.Database) -> tuple[int, int, int]:
    """(articles, stories, stories with two or more copies)."""
    row = db.execute(f"select coalesce(sum(copies), 0), count(*), "
                     f"coalesce(sum(copies > 1), 0) from {STORIES_TABLE}").fetchone()
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
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        while olds and news and difflib.SequenceMatcher(
                None, a[olds[0]], b[news[0]], autojunk=False).ratio() >= 0.5:
            changed.append(other[news.pop(0)])
            olds.pop(0)
        removed += [base[i] for i in olds]
        added += [other[j] for j in news]
    return added, removed, changed


def story_copies(db: sqlite_utils.Database, ref: int) -> tuple[dict[str, Any], list[Copy]] | None:
    """The story with this id (or the story of the article with this id) and its copies, the
    first copy first, then by date; None when there is no such story."""
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
        [info["id"], info["first_article_id"]]).fetchall()
    base_body, base_sig = _paragraphs(rows[0][5]), _sig(rows[0][6])
    copies = []
    for aid, site, published, title, url, body, blob in rows:
        sig = _sig(blob)
        sim = similarity(base_sig, sig) if base_sig is not None and sig is not None else 1.0
        added, removed, changed = compare(base_body, _paragraphs(body))
        copies.append(Copy(aid, site, published, title, url, sim, added, removed, changed))
    return info, copies


def collapse(db: sqlite_utils.Database, hits: Iterable[dict[str, Any]], limit: int
             ) -> list[dict[str, Any]]:
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
