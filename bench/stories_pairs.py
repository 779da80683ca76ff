"""The labelled pair set for story detection: reprints (positives) and different stories (negatives).

Positives are made from real article bodies (the fixture goldens, and the dev-set goldens in
../shared/devset/ when present; those are read, never copied) by the edits reprinting sites
make: another site's template, a new dateline and lead, an added editor's note, trimmed
closing paragraphs, traditional script, a second edition with another headline, and a mix.
Negatives: every pair of distinct real articles (many are 疫情 reports of the same weeks and
of one site's template), two reports from one county on one day sharing its stock
paragraphs, different stories wrapped in the same site template, a follow-up story quoting another's
first paragraph as background, and short photo captions that differ in a few words.
"""
from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import cases  # noqa: E402

DEVSET = ROOT.parent / "shared" / "devset"


@dataclass(frozen=True)
class Doc:
    """An article as story detection sees it."""

    name: str
    title: str
    body: tuple[str, ...]
    site: str = "generic"
    published_at: str | None = None

    @property
    def text(self) -> str:
        """The body as stored (one paragraph per line)."""
        return "\n".join(self.body)


@dataclass(frozen=True)
class Pair:
    """Two documents, whether they are one story, and how the pair was made."""

    a: Doc
    b: Doc
    same: bool
    kind: str


def _doc(name: str, data: dict, min_chars: int = 200) -> Doc | None:
    body = tuple(p for p in data.get("body") or [] if p.strip())
    if sum(map(len, body)) < min_chars:
        return None
    published = data.get("published_at") or data.get("published")
    return Doc(name, data.get("title") or "", body, data.get("site") or "generic", published)


def fixture_docs() -> list[Doc]:
    """One Doc per distinct fixture article (text and HTML renderings of one page are one)."""
    docs: dict[str, Doc] = {}
    for case in cases():
        doc = _doc(case.name, json.loads(case.gold.read_text(encoding="utf-8")))
        if doc is not None:
            docs.setdefault(re.sub(r"\W", "", doc.title), doc)
    return list(docs.values())


def devset_docs() -> list[Doc]:
    """Dev-set articles (news and government pages), [] when ../shared/devset is absent."""
    docs = []
    for path in sorted(DEVSET.glob("*/[0-9]*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("kind") in ("news", "government"):
            doc = _doc(f"devset/{path.parent.name}/{path.stem}", data)
            if doc is not None:
                docs.append(doc)
    return docs


# ---------------------------------------------------------------- reprint edits

_DATELINE = re.compile(r"^(?:[^，,。(（]{2,16}(?:讯|电|报道)\s*)?[(（][^)）]{0,40}[)）]|"
                       r"^[^，,。]{2,20}(?:讯|电)")
_FOLD = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})
NEW_DATELINES = ["中新网郑州3月20日电(记者 李明)", "本报讯(记者 张华 通讯员 刘强)",
                 "大河网讯 (记者 孙悦)", "央广网郑州3月20日消息(记者 陈静)"]
EDITOR_NOTES = ["编者按:连日来,本报记者深入基层一线,记录下一个个平凡而感人的瞬间。今天起推出"
                "系列报道,讲述身边的故事,敬请关注。",
                "【编者按】本文转载自合作媒体,内容仅代表原作者观点,转载请注明出处。"]
CLOSINGS = ["(本文来源:河南日报客户端 编辑:王芳 审核:李强)",
            "来源:中国新闻网 | 责任编辑:赵敏", "原标题:《基层一线的坚守》 本文转自人民网"]


def with_dateline(body: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """The first paragraph's dateline replaced (or one added)."""
    first = _DATELINE.sub("", body[0], count=1)
    return (rng.choice(NEW_DATELINES) + first, *body[1:])


def other_template(doc: Doc, rng: random.Random) -> Doc:
    """As another site stores it: its dateline and credit line, half-width punctuation, two
    paragraphs run together."""
    body = list(with_dateline(doc.body, rng))
    if len(body) > 3:
        at = rng.randrange(1, len(body) - 1)
        body[at:at + 2] = [body[at] + body[at + 1]]
    body = [p.translate(_FOLD) for p in body] + [rng.choice(CLOSINGS)]
    return replace(doc, name=doc.name + "+template", body=tuple(body), site="reprint")


def new_lead(doc: Doc, rng: random.Random) -> Doc:
    """A new dateline and a rewritten first sentence."""
    first, *rest = with_dateline(doc.body, rng)
    sentences = re.split(r"(?<=[。!！?？])", first)
    lead = "记者近日从当地有关部门获悉," + "".join(sentences[1:] or sentences)
    return replace(doc, name=doc.name + "+lead", body=(lead, *rest), site="reprint")


def editor_note(doc: Doc, rng: random.Random) -> Doc:
    """An editor's note before the article and a source line after it."""
    body = (rng.choice(EDITOR_NOTES), *doc.body, rng.choice(CLOSINGS))
    return replace(doc, name=doc.name + "+note", body=body, site="reprint")


def trimmed(doc: Doc, rng: random.Random) -> Doc:
    """The closing paragraphs cut: one or two, at most a third of the paragraphs (the last
    sentence when there are only one or two paragraphs)."""
    n = len(doc.body)
    cut = min(rng.choice([1, 2]), max(1, n // 3))
    if n >= 3:
        body = doc.body[:n - cut]
    else:
        sentences = [s for s in re.split(r"(?<=[。!！?？])", doc.body[-1]) if s]
        body = (*doc.body[:-1], "".join(sentences[:max(1, len(sentences) - 1)]))
    return replace(doc, name=doc.name + "+trimmed", body=body, site="reprint")


def traditional(convert: Callable[[str], str]) -> Callable[[Doc, random.Random], Doc]:
    """The edit converting a copy to traditional script with `convert`."""
    def edit(doc: Doc, rng: random.Random) -> Doc:
        return replace(doc, name=doc.name + "+traditional", title=convert(doc.title),
                       body=tuple(convert(p) for p in doc.body), site="reprint")
    return edit


def second_edition(doc: Doc, rng: random.Random) -> Doc:
    """The other edition of an evening paper: another headline, a lead clause changed."""
    first, *rest = doc.body
    first = re.sub(r"^[^,，。]{2,30}[,，]", "昨日,", first, count=1)
    return replace(doc, name=doc.name + "+edition", title="(第二版)" + doc.title[::-1],
                   body=(first, *rest))


def mixed(doc: Doc, rng: random.Random) -> Doc:
    """Template, editor's note and trimmed ending together."""
    out = trimmed(editor_note(other_template(doc, rng), rng), rng)
    return replace(out, name=doc.name + "+mixed")


def edits(convert: Callable[[str], str]) -> dict[str, Callable[[Doc, random.Random], Doc]]:
    """The reprint edits by name."""
    return {"template": other_template, "lead": new_lead, "note": editor_note,
            "trimmed": trimmed, "traditional": traditional(convert), "edition": second_edition,
            "mixed": mixed}


# ---------------------------------------------------------------- negatives

COUNTY_OPENING = ("连日来,荥阳市坚持人民至上、生命至上,全力以赴做好新冠肺炎疫情防控各项工作,"
                  "各级党组织和广大党员干部冲锋在前,筑牢疫情防控的坚固防线。")
COUNTY_CLOSING = ("下一步,该市将继续坚持科学防控、精准施策,压紧压实各方责任,"
                  "毫不放松抓好常态化疫情防控工作,切实保障人民群众生命安全和身体健康。")
TEMPLATE_HEAD = "映象网讯(记者 王文凯 通讯员 王春亮 荣高洁)"
TEMPLATE_FOOT = ("更多精彩内容,请关注映象网官方微信公众号和映象新闻客户端。新闻热线:0371-12345678,"
                 "欢迎提供新闻线索。")
CAPTIONS = ["图为荥阳市京城路街道工作人员在社区门口为居民测量体温。(记者 王文凯 摄)",
            "图为荥阳市京城路街道志愿者在社区门口登记进出车辆信息。(记者 王文凯 摄)",
            "图为荥阳市文博社区党员在小区门口值守并发放宣传资料。(记者 王文凯 摄)",
            "图为荥阳市京城路街道工作人员为隔离居民送去生活物资。(记者 王文凯 摄)"]


def same_county_day(a: Doc, b: Doc) -> tuple[Doc, Doc]:
    """Two different stories as one county's reports of one day: shared stock paragraphs."""
    day = "2020-03-19T10:00:00+08:00"
    return tuple(replace(d, name=d.name + "+county", site="hnr", published_at=day,
                         body=(COUNTY_OPENING, *d.body, COUNTY_CLOSING)) for d in (a, b))  # type: ignore[return-value]


def same_template(a: Doc, b: Doc) -> tuple[Doc, Doc]:
    """Two different stories in the same site template (dateline, footer)."""
    return tuple(replace(d, name=d.name + "+tpl", site="hnr",
                         body=(TEMPLATE_HEAD + d.body[0], *d.body[1:], TEMPLATE_FOOT))
                 for d in (a, b))  # type: ignore[return-value]


def follow_up(a: Doc, b: Doc) -> Doc:
    """Another story that quotes the first paragraph of `a` as background."""
    return replace(b, name=b.name + "+background", body=(*b.body, a.body[0]))


def caption_docs() -> list[Doc]:
    """Photo captions of different photos, in one template."""
    return [Doc(f"caption{i}", "图片新闻", (c,), "hnr", "2020-03-19") for i, c in enumerate(CAPTIONS)]


# ---------------------------------------------------------------- the set

def labelled_pairs(docs: Iterable[Doc], convert: Callable[[str], str],
                   seed: int = 13) -> list[Pair]:
    """Positives (each edit of each doc) and negatives (distinct docs, as they are and in
    the county and template settings, and the captions)."""
    docs = list(docs)
    rng = random.Random(seed)
    pairs = [Pair(d, edit(d, rng), True, kind) for d in docs for kind, edit in edits(convert).items()]
    for a, b in combinations(docs, 2):
        pairs.append(Pair(a, b, False, "different story"))
    for a, b in zip(docs, docs[1:] + docs[:1]):
        if a != b:
            pairs.append(Pair(*same_county_day(a, b), False, "same county and day"))
            pairs.append(Pair(*same_template(a, b), False, "same template"))
            pairs.append(Pair(a, follow_up(a, b), False, "follow-up with background"))
    for a, b in combinations(caption_docs(), 2):
        pairs.append(Pair(a, b, False, "short captions"))
    return pairs


# ---------------------------------------------------------------- one large story

def large_story(doc: Doc, copies: int, convert: Callable[[str], str],
                seed: int = 17) -> list[Doc]:
    """`copies` reprints of one article, as syndicated news makes them: each is one of the
    reprint edits (template, lead, note, trimmed, traditional, edition, mixed) with a credit
    line of its own, so that no two copies are identical and their similarity to each other
    spreads from about 0.5 to 1."""
    rng = random.Random(seed)
    kinds = list(edits(convert).values())
    out = []
    for i in range(copies):
        copy = rng.choice(kinds)(doc, rng)
        credit = f"(转载编号{i:05d} 来源:{''.join(rng.choices(doc.text, k=6))})"
        out.append(replace(copy, name=f"{doc.name}+copy{i}", body=(*copy.body, credit),
                           site=f"site{i % 50}"))
    return out
