#!/usr/bin/env python3
"""Robustness of the main-content finder: the dev HTML pages, perturbed, scored against their gold.

Usage: python bench/perturb.py [--kinds none,classes,head,nesting,all] [--keep DIR] [--drops 0.2]
                               [--python PY] [FOLDER ...]
       (default folders: html, html2 and sites/<host> under ../shared/devset)

Each page is decoded as `clean` decodes it, parsed with lxml, changed, and written back as
UTF-8 beside a copy of its gold record; the copies of one kind are scored with the dev set's
score.py (`cli.py clean` in one run per folder, so a host's profile is learned as usual):
  none      parsed and written back unchanged (the reference: what the round trip alone moves)
  classes   every class name and id value replaced by a random token, the same token for the
            same value across the folder (a site whose vocabulary nobody has seen)
  head      <title> and every <meta> removed (no page head: the title, date and site name must
            come from the visible page)
  nesting   the article (the lowest element holding the gold body's first and last words)
            wrapped one or two <div> levels deeper, and the text blocks after it at each level
            up to <body> (sidebars, related lists, comments; not a copyright footer) moved
            before it in document order (between the headline and the story, when the
            headline stands outside the article element: the hard case)
  sidefirst the same, the side blocks moved before the lowest element holding both the
            headline (the element whose text is the gold title) and the article: a side
            column first in the markup
  all       classes, head and sidefirst together
  wrapped   every <p> of the article wrapped in a <div> of its own, all alike (a template that
            wraps each paragraph: `<div class="para"><p>…</p></div>`)
  brs       the article's <p>s replaced by their text separated by <br><br> (the table-era
            layout: one cell of text and line breaks)
  split     the article's children cut in two halves, each in an element like the article's
            (same tag and class), with an ad block between them (a CMS splitting the text
            around an inserted ad)
  comments  a list of 20 readers' comments (user, time, text, 回复/赞) inserted right after
            the article, holding more text than most articles
  teasers   a list of 12 related stories (linked headline, a summary sentence, a date)
            inserted right after the article
Printed: one line per folder and kind (body F1, failed pages, title and date), then every page
whose body F1 under a perturbation is more than --drops below its `none` figure. The gold is
only used to find the article element for `nesting`; the pages' copies are never kept in the
project (--keep writes them to a folder of your choice, for dbg.py).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").is_dir() else Path("/work/shared")
DEVSET = SHARED / "devset"
DEFAULT_FOLDERS = ("html", "html2", "sites/ent.163.com", "sites/ent.ifeng.com")
KINDS = ("none", "classes", "head", "nesting", "sidefirst", "all", "wrapped", "brs", "split", "comments", "teasers")
# What the inserted comments and teasers say (no dev page says it).
_SAID = (
    "这个问题确实值得关注，希望有关部门能够尽快拿出解决办法，让老百姓少跑腿。",
    "我们小区去年也遇到过类似的情况，后来物业出面协调才解决，大家可以参考一下。",
    "支持！这样的好政策应该多多推广，让更多的人受益，点赞家乡的发展变化。",
    "说得很有道理，不过具体落实还要看执行情况，不能只停留在纸面上，期待后续报道。",
    "路过看看，顺便说一句，周末去那边游玩的朋友注意安全，人多车多要提前规划路线。",
)
_TEASED = (
    ("全市秋季招聘会下周举行", "本次招聘会共有三百余家企业参加，提供就业岗位八千多个，涵盖制造、服务等行业。"),
    ("老城区改造项目启动", "项目涉及街巷四十余条，将对管网、路面和立面进行全面提升，预计明年年底完工。"),
    ("乡村文化节开幕", "文化节为期一周，期间将举办民俗展演、农产品展销和非遗技艺体验等系列活动。"),
)


import lxml.html  # noqa: E402

from newsclean.ingest.decode import decode_bytes  # noqa: E402

_SPACE_RE = re.compile(r"\s+")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_FOOTER_RE = re.compile(r"版权|Copyright|ICP|公网安备", re.IGNORECASE)
SNIPPET = 8  # characters of the gold's first and last paragraph looked for


def squash(text: str) -> str:
    """The text without whitespace."""
    return _SPACE_RE.sub("", text)


def gold_paragraphs(gold: dict) -> list[str]:
    """The gold body's paragraphs, whitespace removed, the empty ones left out."""
    body = gold.get("body") or []
    if isinstance(body, str):
        body = body.split("\n")
    return [p for p in (squash(b) for b in body) if len(p) >= 4]


def holder(doc: lxml.html.HtmlElement, snippet: str, texts: dict) -> lxml.html.HtmlElement | None:
    """The deepest element whose text holds the snippet."""
    best = None
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if el not in texts:
            texts[el] = squash(el.text_content())
        if snippet in texts[el] and (best is None or len(texts[el]) < len(texts[best])):
            best = el
    return best


def article_element(doc: lxml.html.HtmlElement, gold: dict) -> lxml.html.HtmlElement | None:
    """The lowest element holding the gold body's first and last words."""
    paragraphs = gold_paragraphs(gold)
    if not paragraphs:
        return None
    texts: dict = {}
    first = holder(doc, paragraphs[0][:SNIPPET], texts)
    last = holder(doc, paragraphs[-1][-SNIPPET:], texts)
    if first is None or last is None:
        return None
    chain = [first, *first.iterancestors()]
    for el in [last, *last.iterancestors()]:
        if el in chain:
            return el
    return None


def is_side_block(el: lxml.html.HtmlElement, gold_text: str) -> bool:
    """A block worth moving: an element with Han text that is not the article's and is no
    copyright footer."""
    if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript"):
        return False
    text = squash(el.text_content())
    if len(_HAN_RE.findall(text)) < 20 or _FOOTER_RE.search(text):
        return False
    pairs = {text[i : i + 2] for i in range(len(text) - 1)}
    inside = sum(1 for pair in pairs if pair in gold_text)
    return inside < 0.5 * len(pairs)


def headline_element(doc: lxml.html.HtmlElement, gold: dict) -> lxml.html.HtmlElement | None:
    """The deepest element of the body whose text is the gold title."""
    title = squash(gold.get("title") or "")
    body = doc.body
    if not title or body is None:
        return None
    found = [el for el in body.iter() if isinstance(el.tag, str) and squash("".join(el.itertext())) == title]
    return found[-1] if found else None


def nest_article(doc: lxml.html.HtmlElement, gold: dict, rng: random.Random, side_first: bool = False) -> bool:
    """Wrap the article one or two div levels deeper and move the side blocks after it, at each
    level up to <body>, before it (`side_first`: only from the level of the element holding
    the headline too). False when the article element is not found."""
    article = article_element(doc, gold)
    body = doc.body
    if article is None or body is None or article is body or article is doc:
        return False
    gold_text = "".join(gold_paragraphs(gold))
    node = article
    for _ in range(rng.choice((1, 2))):
        wrapper = doc.makeelement("div", {})
        node.addprevious(wrapper)
        wrapper.append(node)  # lxml moves the tail with it: give it back to the previous place
        if node.tail:
            wrapper.tail, node.tail = node.tail, None
        node = wrapper
    headline = headline_element(doc, gold) if side_first else None
    if headline is not None:
        while node.getparent() is not None and node is not body and headline not in node.iterdescendants():
            node = node.getparent()
    while node.getparent() is not None and node is not body:
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            if is_side_block(sibling, gold_text):
                tail, sibling.tail = sibling.tail, None
                node.addprevious(sibling)
                if tail and tail.strip():
                    sibling.tail = tail
        node = parent
    return True


def wrap_paragraphs(doc: lxml.html.HtmlElement, gold: dict) -> bool:
    """Wrap each <p> of the article in a <div class="para"> of its own. False when the article
    element is not found."""
    article = article_element(doc, gold)
    if article is None:
        return False
    for p in list(article.iter("p")):
        wrapper = doc.makeelement("div", {"class": "para"})
        p.addprevious(wrapper)
        wrapper.append(p)
        if p.tail:
            wrapper.tail, p.tail = p.tail, None
    return True


def flatten_paragraphs(doc: lxml.html.HtmlElement, gold: dict) -> bool:
    """Replace each <p> of the article by its content followed by two <br>s. False when the
    article element is not found."""
    article = article_element(doc, gold)
    if article is None:
        return False
    try:
        for p in list(article.iter("p")):
            p.append(doc.makeelement("br", {}))
            p.append(doc.makeelement("br", {}))
            p.drop_tag()
    except ValueError:  # a control character in the text, which lxml will not move
        return False
    return True


def insert_after_article(doc: lxml.html.HtmlElement, gold: dict, block: str) -> bool:
    """Insert the HTML `block` right after the article element. False when it is not found."""
    article = article_element(doc, gold)
    if article is None or article is doc.body or article is doc:
        return False
    new = lxml.html.fragment_fromstring(block)
    new.tail, article.tail = article.tail, None
    article.addnext(new)
    return True


def split_article(doc: lxml.html.HtmlElement, gold: dict) -> bool:
    """Move the second half of the article element's children into a copy of the element
    (tag and attributes) after it, with an ad block between the two. False when the article
    element is not found or has fewer than four children."""
    article = article_element(doc, gold)
    if article is None or article is doc.body or article is doc or len(article) < 4:
        return False
    second = doc.makeelement(article.tag, dict(article.attrib))
    for child in list(article)[len(article) // 2 :]:
        second.append(child)  # the child's tail moves with it
    ad = lxml.html.fragment_fromstring("<div class='ad-box'><a href='/ad'>广告</a></div>")
    second.tail, article.tail = article.tail, None
    article.addnext(ad)
    ad.addnext(second)
    return True


def comment_list() -> str:
    """A list of readers' comments: each a user, a time, a sentence or two, and reactions."""
    items = "".join(
        f"<div class='c-item'><div class='c-user'><a href='/u/{n}'>网友{n}号</a> "
        f"<span>2024-05-{1 + n % 28:02d} 1{n % 10}:2{n % 6}</span></div>"
        f"<div class='c-text'>{_SAID[n % 5]}{_SAID[(n + 2) % 5] if n % 3 == 0 else ''}</div>"
        f"<div class='c-act'><a href='#'>回复</a> <a href='#'>赞({n})</a></div></div>"
        for n in range(20)
    )
    return f"<div class='comments'><h3>网友评论</h3>{items}</div>"


def teaser_list() -> str:
    """A list of related stories: each a linked headline, a summary sentence and a date."""
    items = "".join(
        f"<div class='t-item'><h3><a href='/n/{n}.html'>{_TEASED[n % 3][0]}（{n}）</a></h3>"
        f"<p>{_TEASED[n % 3][1]}</p><span>2024-04-{1 + n:02d}</span></div>"
        for n in range(12)
    )
    return f"<div class='related'><h3>相关新闻</h3>{items}</div>"


def rename_attributes(doc: lxml.html.HtmlElement, tokens: dict[str, str], rng: random.Random) -> None:
    """Replace every class name and id value by a random token, the same for the same value."""

    def token(value: str) -> str:
        if value not in tokens:
            tokens[value] = "x" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(7))
        return tokens[value]

    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("class"):
            el.set("class", " ".join(token(name) for name in el.get("class").split()))
        if el.get("id"):
            el.set("id", token(el.get("id").strip()))


def drop_head(doc: lxml.html.HtmlElement) -> None:
    """Remove <title> and every <meta>."""
    for el in doc.xpath("//title | //meta"):
        el.drop_tree()


def perturb(data: bytes, gold: dict, kind: str, tokens: dict[str, str], rng: random.Random) -> bytes | None:
    """The page's perturbed copy as UTF-8 bytes; None when `nesting` finds no article."""
    text = decode_bytes(data)[0]
    doc = lxml.html.document_fromstring(text)
    if kind in ("nesting", "sidefirst", "all") and not nest_article(doc, gold, rng, kind != "nesting"):
        return None
    if kind == "wrapped" and not wrap_paragraphs(doc, gold):
        return None
    if kind == "brs" and not flatten_paragraphs(doc, gold):
        return None
    if kind == "split" and not split_article(doc, gold):
        return None
    if kind in ("comments", "teasers"):
        block = comment_list() if kind == "comments" else teaser_list()
        if not insert_after_article(doc, gold, block):
            return None
    if kind in ("classes", "all"):
        rename_attributes(doc, tokens, rng)
    if kind in ("head", "all"):
        drop_head(doc)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>").encode("utf-8")


def build(folder: Path, kind: str, out: Path, seed: int) -> int:
    """Write the perturbed copies of the folder's pages with their gold; how many were skipped."""
    out.mkdir(parents=True, exist_ok=True)
    rng, tokens, skipped = random.Random(seed), {}, 0
    for page in sorted(folder.glob("*.html")):
        gold_path = page.with_suffix(".json")
        if not gold_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        copy = perturb(page.read_bytes(), gold, kind, tokens, rng)
        if copy is None:
            skipped += 1
            continue
        (out / page.name).write_bytes(copy)
        shutil.copy(gold_path, out / gold_path.name)
    return skipped


def score(folder: Path, python: str, report: Path) -> str:
    """score.py's last line for the folder, its per-page results written to `report`."""
    cmd = [python, str(DEVSET / "score.py"), str(folder), "--python", python, "--project", str(ROOT),
           "--json", str(report), "--quiet"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800).stdout.strip()
    return out.splitlines()[-1] if out else "(no output)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", default=[str(DEVSET / f) for f in DEFAULT_FOLDERS])
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--keep", type=Path, help="write the copies and the per-page results here")
    ap.add_argument("--drops", type=float, default=0.2, help="list pages that lose this much body F1")
    ap.add_argument("--seed", type=int, default=20)
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp())
    kinds = a.kinds.split(",")
    results: dict[tuple[str, str], dict] = {}
    try:
        for name in a.folders:
            folder = Path(name).resolve()
            label = folder.name
            for kind in kinds:
                out = work / kind / label
                skipped = build(folder, kind, out, a.seed)
                report = work / f"{kind}-{label}.json"
                line = score(out, a.python, report)
                figures = re.search(r"title (\S+), date (\S+), .*body F1 ([\d.]+).*failed (\d+)", line)
                shown = (f"body F1 {figures[3]}, failed {figures[4]}, title {figures[1]}, date {figures[2]}"
                         if figures else line)
                print(f"{label:22} {kind:8} {shown}" + (f" ({skipped} pages without article element)" if skipped else ""),
                      flush=True)
                if report.exists():
                    results[(label, kind)] = json.loads(report.read_text())["per"]
        for (label, kind), per in results.items():
            base = results.get((label, "none"))
            if kind == "none" or base is None:
                continue
            for stem, found in sorted(per.items()):
                before = base.get(stem, {}).get("f1", 0.0)
                if before - found["f1"] > a.drops:
                    print(f"  drop {label}/{stem} {kind}: {before:.3f} -> {found['f1']:.3f}")
    finally:
        if a.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
