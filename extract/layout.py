"""Reading an article out of lines: the body rules shared by every site, and text renderings.

`finish_body` applies the body rules of the README to the lines of a body container (an
HTML element rendered to lines, or the body region of a text rendering). `read_text_page`
reads a whole plain-text rendering: breadcrumb, title, meta lines, body, trailing blocks.
"""

from __future__ import annotations

import re

from newsclean.extract import labels
from newsclean.extract.boilerplate import (
    Kind,
    classify_line,
    drop_farm_sentence,
    is_app_promotion,
    is_link_lead_in,
    strip_bullet,
)
from newsclean.extract.bylines import (
    Credits,
    is_name,
    is_names_only,
    is_photo_credit,
    looks_like_byline,
    opening_credits,
    parse_byline,
    speaker_name,
    split_dateline,
    split_trailing_byline,
)
from newsclean.extract.dates import DateRole, date_from_url, date_role, parse_date
from newsclean.extract.meta import (
    clean_source,
    is_breadcrumb,
    parse_breadcrumb,
    parse_editor,
    parse_keywords,
    parse_source,
    split_source,
)
from newsclean.extract.record import Article
from newsclean.extract.text import (
    CELL_SEPARATOR,
    HAN,
    ROW_MARK,
    clean_line,
    clean_paragraph,
    close_cjk_gaps,
    han_count,
    match_form,
    strip_edges,
)

STOP_KINDS = (Kind.RELATED, Kind.FOOTER)
# An image file name glued to the end of a paragraph by the rendering (`…发展。20200923_e5a9.jpg`).
_GLUED_IMAGE_RE = re.compile(r"\s*[\w\-]{6,}\.(?:jpe?g|png|gif|webp)$", re.IGNORECASE)
DROP_KINDS = (Kind.COUNTER, Kind.SHARE, Kind.HOTLINE, Kind.NAV, Kind.FARM, Kind.LEAD, Kind.FIELDS)
# A metadata table's label cell: `索引号：`, `发布机构:`.
_FIELD_LABEL_RE = re.compile(r"^[^\s:：|]{1,8}\s*[:：]$")
# How many lines into the densest block a headline and its date line may stand.
HEADER_IN_BLOCK = 12
# How far into a page a breadcrumb may stand.
BREADCRUMB_WINDOW = 15


def add_credits(art: Article | Credits, credits: Credits) -> None:
    """Add names to the article's (or a credit list's) reporters and correspondents, without
    repeats."""
    for name in credits.authors:
        if name not in art.authors:
            art.authors.append(name)
    for name in credits.correspondents:
        if name in art.authors:  # a bare 作者 list named them first; 通讯员 is more precise
            art.authors.remove(name)
        if name not in art.correspondents:
            art.correspondents.append(name)


def take_body_meta_line(line: str, kind: Kind, art: Article) -> None:
    """Move a meta line standing among the body's lines into the article, with the credits
    of an editor line (`撰稿：李华 摄影：王强 编辑：赵敏` closing the text)."""
    take_meta_line(line, kind, art)
    if kind == Kind.EDITOR:
        add_credits(art, labelled_credits(line))


def take_meta_line(line: str, kind: Kind, art: Article) -> None:
    """Move what a date, source, editor or keyword line says into the article.

    A meta line often carries several labels (`2020-07-04 12:10 来源:X 责任编辑:Y`), so every
    label is read whatever the line was classified as.
    """
    if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR):
        art.published_at = art.published_at or parse_date(line)
        take_source(line, art)
        art.editor = art.editor or parse_editor(line)
        add_credits(art, role_credits(line))
    if kind in (Kind.EDITOR, Kind.KEYWORDS):
        art.keywords = art.keywords or parse_keywords(line)


def role_credits(line: str) -> Credits:
    """Reporters and correspondents credited on a meta line after its date or outlet
    (`2024-03-05 08:21 来源:某某日报 记者 李华 通讯员 王强`, `… 某某日报 融媒体记者 李华`)."""
    match = _ROLE_CREDIT_RE.search(match_form(line))
    return parse_byline(line[match.start() :]) if match else Credits()


def take_source(line: str, art: Article) -> None:
    """Take the outlet a `来源:` label names, and the writers named after it (`来源: 台海网 刘强`),
    unless the article has its source already."""
    if art.source:
        return
    art.source, names = split_source(line)
    if not art.authors:
        add_credits(art, Credits(authors=names))


# A line that only marks the end of a text.
_END_MARK_RE = re.compile(r"[\s(（【\[\-—－]*(?:全文)?(?:完|END|End|end)[\s)）】\]\-—－]*")
# A signature's date line is no longer than `2024年12月31日 星期二` and some spacing.
SIGNATURE_DATE_CHARS = 24


def finish_body(
    lines: list[str], art: Article, kinds: list[Kind] | None = None, photographers: Credits | None = None
) -> None:
    """Set art.body from raw body lines, moving bylines, datelines and meta lines to fields
    (`kinds`: the lines' classes, when the caller has them already; `photographers`: names
    credited for pictures alone above the body, authors only of a photo piece)."""
    paragraphs: list[str] = []
    bylines: list[tuple[int, str]] = []  # (paragraphs before it, text)
    photographers = photographers or Credits()
    resume = 0  # the line after a related-reading box standing inside the text
    for i, raw in enumerate(lines):
        line = clean_line(raw) if i >= resume else ""
        if not line:
            continue
        if raw.startswith(ROW_MARK):
            kind = row_kind(line, bool(paragraphs))
        else:
            kind = kinds[i] if kinds is not None else classify_line(line)
        if kind == Kind.RELATED and paragraphs and (end := text_resumes_at(lines, i)):
            resume = end
            continue
        if kind in STOP_KINDS and paragraphs and ends_article(paragraphs, lines[i + 1 :], kind):
            break
        if kind in DROP_KINDS or kind in STOP_KINDS:
            continue
        if kind in (Kind.EDITOR, Kind.KEYWORDS) or (kind in (Kind.SOURCE, Kind.DATE) and len(paragraphs) < 2):
            take_body_meta_line(line, kind, art)
            continue
        if kind == Kind.BYLINE:
            bylines.append((len(paragraphs), line))
            credit(art, line, photographers)
            continue
        line = drop_farm_sentence(line)
        if not paragraphs:
            line = without_title(line, art.title)
        if line:
            paragraphs.append(line)
    drop_edge_promotions(paragraphs)
    drop_end_mark(paragraphs)
    take_trailing_source(paragraphs, art)
    drop_repeated_tail(paragraphs)
    take_edge_bylines(paragraphs, bylines, art, photographers)
    art.body = [p for p in (close_cjk_gaps(drop_glued_image(p)) for p in paragraphs) if p]
    if is_photo_piece(art.body):  # its photographers wrote it
        add_credits(art, photographers)


def signature_date(body: list[str]) -> str | None:
    """The date a document closes with under its issuer (`某县人民政府办公室` / `2024年3月5日`,
    a government notice's signature): the page's date when it shows no other."""
    for i in range(len(body) - 1, max(len(body) - 3, -1), -1):
        line = body[i]
        if len(line) <= SIGNATURE_DATE_CHARS and classify_line(line) == Kind.DATE:
            following = body[i + 1] if i + 1 < len(body) else ""
            timed = parse_date(f"{line} {following}") if len(following) <= SIGNATURE_DATE_CHARS else None
            return timed or parse_date(line)  # the time on a line of its own (`香港時間16時30分`)
    return None


def drop_end_mark(paragraphs: list[str]) -> None:
    """Drop a line that only marks the text's end (`完`, `（完）`, `-全文完-`, `END`) among the
    last three (a Hong Kong government release closes with `完`, then its date and
    `香港時間16時30分`, kept as a notice's signature is)."""
    for i in range(max(len(paragraphs) - 3, 0), len(paragraphs)):
        if _END_MARK_RE.fullmatch(paragraphs[i]):
            del paragraphs[i]
            return


def drop_edge_promotions(paragraphs: list[str]) -> None:
    """Drop prompts to get the site's app opening or closing the text (portal and Taiwanese
    news pages put one in the story's container)."""
    while paragraphs and is_app_promotion(paragraphs[-1]):
        paragraphs.pop()
    while paragraphs and is_app_promotion(paragraphs[0]):
        del paragraphs[0]


def without_title(line: str, title: str) -> str:
    """The first line without the headline it repeats: all of it, or the headline standing
    before the text with a space between (`标题   本报讯【记者 X】…`, an e-paper rendering)."""
    if title and line.startswith(title) and (len(line) == len(title) or line[len(title)].isspace()):
        return line[len(title) :].strip()
    return line


def take_trailing_source(paragraphs: list[str], art: Article) -> None:
    """Move a `来源:` line closing the text (government and county pages sign off with
    `来源：某县人民政府办公室`) from the body to the source field."""
    while len(paragraphs) > 1 and classify_line(paragraphs[-1]) == Kind.SOURCE:
        take_meta_line(paragraphs.pop(), Kind.SOURCE, art)


def row_kind(line: str, in_text: bool) -> Kind:
    """The class of a table row's line: a row of one cell reads as any line (a layout table's
    date line); a row of labelled fields before the text (`索引号： | … | 发布机构： | …`, a
    政府信息公开 page's metadata table) is not body; other rows are data, body text."""
    cells = line.split(CELL_SEPARATOR.strip())
    if len(cells) == 1:
        return classify_line(line)
    labels = sum(1 for cell in cells if _FIELD_LABEL_RE.match(cell.strip()))
    return Kind.FIELDS if not in_text and labels and 2 * labels >= len(cells) else Kind.TEXT


# A related-reading box inside the text lists this many headlines.
MIN_BOX_ITEMS, MAX_BOX_ITEMS = 2, 8


def inserted_box_end(lines: list[str], i: int) -> int | None:
    """Where the text resumes after a related-reading box standing inside it (`相关阅读` over
    a few headline links between two paragraphs of the story): the first line after the
    box's headlines, when the lines from there are running text (see `is_prose_section`),
    else None (a box closing the text, a list of headlines with summaries, or an editor's
    box of background text under subheadings, kept: see `ends_article`)."""
    items, j = 0, i + 1
    while j < len(lines) and items <= MAX_BOX_ITEMS:
        line = clean_line(lines[j])
        if line and sentence_weight(line):
            break
        if line and not HEADLINE_HAN[0] <= han_count(line) <= HEADLINE_HAN[1]:
            return None  # a label or subheading (a name, a question): no list of headlines
        items += bool(line)
        j += 1
    if not MIN_BOX_ITEMS <= items <= MAX_BOX_ITEMS or j >= len(lines):
        return None
    return j if is_prose_section(lines[j:]) else None


def text_resumes_at(lines: list[str], i: int) -> int | None:
    """Where the text resumes after the related-reading line `i` standing inside it: the next
    line, after one further-reading link (`►延伸閱讀 X`, `相关阅读：X`) that running text
    follows; after a box of headline links (see `inserted_box_end`); else None."""
    if is_link_lead_in(clean_line(lines[i])):
        following = next((line for line in map(clean_line, lines[i + 1 :]) if line), "")
        if sentence_weight(following):
            return i + 1
    return inserted_box_end(lines, i)


def ends_article(paragraphs: list[str], rest: list[str], kind: Kind = Kind.FOOTER) -> bool:
    """Whether a related-reading or footer line ends the article. It does not when the text
    before it has not begun the article (captions, a teaser) and running text follows: a
    related link or a photo credit stands between a page's lead block and its story; nor
    when a related-reading heading opens a section of running text (see `is_prose_section`).
    A related-reading heading over a list of headlines (with a summary under each or not)
    after running text always does."""
    before = sum(sentence_weight(p) for p in paragraphs)
    if kind == Kind.RELATED:
        sentences, headlines, weight = section_shape(rest)
        if weight >= PROSE_SECTION_HAN and sentences > 2 * headlines:
            return False  # a section of running text under the heading
        if before and headlines >= MIN_BOX_ITEMS:
            return True  # after the story's text: a list of related stories, summaries or not
    after = [w for w in (sentence_weight(clean_line(line)) for line in rest) if w]
    return len(after) < 2 or sum(after) <= 2 * before


# A related-reading heading opens a section of the article when this much running text
# follows it, in more sentence lines than twice its headline-like lines.
PROSE_SECTION_HAN = 60
HEADLINE_HAN = (8, 40)


def is_prose_section(rest: list[str]) -> bool:
    """True when the lines after a related-reading heading, up to the next related-reading
    or footer line, are running text rather than a list of headlines (an editor's `延伸阅读`
    box of background paragraphs inside the story, where a list of related stories, with or
    without a summary under each, has a headline line per item)."""
    sentences, headlines, weight = section_shape(rest)
    return weight >= PROSE_SECTION_HAN and sentences > 2 * headlines


def section_shape(rest: list[str]) -> tuple[int, int, int]:
    """The sentence lines, the headline-like lines and the running text (Han characters) of
    the lines up to the next related-reading or footer line."""
    sentences, headlines, weight = 0, 0, 0
    for raw in rest:
        line = clean_line(raw)
        kind = classify_line(line) if line else Kind.SHARE
        if kind in STOP_KINDS:
            break
        if kind != Kind.TEXT:
            continue
        if found := sentence_weight(line):
            sentences, weight = sentences + 1, weight + found
        elif HEADLINE_HAN[0] <= han_count(line) <= HEADLINE_HAN[1]:
            headlines += 1
    return sentences, headlines, weight


def drop_glued_image(paragraph: str) -> str:
    """The paragraph without an image file name glued to its end. (The pattern tries every
    position of the paragraph, so it runs only when the last character may end an image
    extension: g, f or p in either case, as the pattern's IGNORECASE reads them.)"""
    last = paragraph[-2:].rstrip("\n")[-1:]  # `$` also matches before a final newline
    return _GLUED_IMAGE_RE.sub("", paragraph) if last in ("g", "G", "f", "F", "p", "P") else paragraph


# A body with fewer Han characters than this is a photo piece (captions): the photographers
# credited in it are its authors.
PHOTO_PIECE_HAN = 300
# Photo captions (`图为…。 韩章云 摄`, `…（資料照）`) that may stand above the paragraph opening
# with the dateline.
MAX_CAPTIONS_BEFORE_DATELINE = 2
_CAPTION_RE = re.compile(r"^(?:图为|▲|△)|[摄攝]\s*$|供图\s*$|[(（][资資]料照片?[)）]\s*$")
# A short line of one sentence at most (a caption, a subhead) may stand above a credit too.
MAX_CAPTION_CHARS = 40
# Captions (a portal's picture set) that may stand above a paragraph opening with a credit.
MAX_CAPTIONS_BEFORE_CREDIT = 4
_SENTENCE_END_RE = re.compile(r"[。！？!?；;]")


def drop_repeated_tail(paragraphs: list[str]) -> None:
    """Drop a run of two or more paragraphs that repeats the run just before it word for word
    (a rendering that printed the page's last block twice)."""
    for size in range(len(paragraphs) // 2, 1, -1):
        if paragraphs[-size:] == paragraphs[-2 * size : -size]:
            del paragraphs[-size:]
            return


def add_byline_credits(art: Article, byline: str) -> None:
    """Add a byline's names, unless it credits pictures alone: those name the authors of a
    photo piece only (no body yet: finish_body decides with the credits it reads itself)."""
    if not is_photo_credit(byline) or (art.body and is_photo_piece(art.body)):
        add_credits(art, parse_byline(byline))


def is_photo_piece(body: list[str]) -> bool:
    """True for a body of captions, too short to be a story told in text."""
    return han_count("".join(body)) < PHOTO_PIECE_HAN


def credit(art: Article, byline: str, photographers: Credits) -> None:
    """Add a byline's names to the article, those of a credit for pictures alone to
    `photographers` (a caption's `记者 王宇飞 摄` credits the picture, not the text)."""
    add_credits(photographers if is_photo_credit(byline) else art, parse_byline(byline))


def take_edge_bylines(
    paragraphs: list[str], bylines: list[tuple[int, str]], art: Article, photographers: Credits
) -> None:
    """Record the byline standing before the text or after it, the dateline and trailing byline
    (the names of a credit for pictures alone go to `photographers`)."""
    edge = [text for pos, text in bylines if pos == 0 or pos == len(paragraphs)]
    if edge and not art.byline:
        art.byline = edge[0]
    for k, paragraph in enumerate(paragraphs[: MAX_CAPTIONS_BEFORE_DATELINE + 1]):
        dateline, rest = split_dateline(paragraph)
        if dateline:
            art.dateline = dateline
            add_credits(art, dateline_credits(dateline))
            paragraphs[k] = rest.strip()
            break
        if not _CAPTION_RE.search(match_form(paragraph)):  # only photo captions may come first
            break
    if not (art.authors or art.correspondents or art.dateline):
        add_credits(art, lead_credits(paragraphs))
    if paragraphs:
        rest, trailing = split_trailing_byline(paragraphs[-1])
        if trailing:
            art.byline = art.byline or trailing
            credit(art, trailing, photographers)
            art.editor = art.editor or parse_editor(trailing)
            art.source = art.source or parse_source(trailing)  # `…报道来源:闪电新闻编辑:孔然`
            if rest:
                paragraphs[-1] = rest
            else:
                paragraphs.pop()
        elif not (art.authors or art.correspondents):
            add_credits(art, credits_before_closing_note(paragraphs))


def credits_before_closing_note(paragraphs: list[str]) -> Credits:
    """The trailing byline of the paragraph before a closing note: a bracketed source note
    (`(本文来源：新华网 )`) or a line repeating the writer's name (`苗菲`); the body keeps it."""
    if len(paragraphs) < 2 or not is_closing_note(paragraphs[-1]):
        return Credits()
    return parse_byline(split_trailing_byline(paragraphs[-2])[1])


def is_closing_note(paragraph: str) -> bool:
    """True for a bracketed source note (`(本文来源：新华网 )`) or a lone name (`苗菲`)."""
    bracketed = paragraph[:1] in "(（" and paragraph[-1:] in ")）"
    return (bracketed and parse_source(paragraph) is not None) or is_name(paragraph)


def lead_credits(paragraphs: list[str]) -> Credits:
    """The names credited at the opening of the text's first paragraph, or of a paragraph
    after captions and subheads (`本报讯（记者 X）`, `(文/张悦）…`); the body keeps them."""
    for paragraph in paragraphs[: MAX_CAPTIONS_BEFORE_CREDIT + 1]:
        credits = opening_credits(paragraph)
        if credits or not is_caption(paragraph):
            return credits
    return Credits()


def is_caption(paragraph: str) -> bool:
    """True for a photo caption (`图为…`, `… 摄`, `…（资料照片）`) or a short line of one
    sentence at most (`郭在容（左）、刘智泰`, `张艺谋和两位新人演员。>>>更多图片`, a subhead)."""
    if _CAPTION_RE.search(match_form(paragraph)):
        return True
    return len(paragraph) <= MAX_CAPTION_CHARS and len(_SENTENCE_END_RE.findall(paragraph)) <= 1


# `报道：` closing a dateline's credits (`某某网讯 记者张三报道：`).
_REPORTED_RE = re.compile(r"(?:报道|报导)\s*[:：]?\s*$")


def dateline_credits(dateline: str) -> Credits:
    """The names a dateline gives: in its parentheses (`本报讯(记者 X)`, a bare `(韩章慧)`),
    or after its 讯 (`今日房县网讯 记者 李硕 … 报道:`)."""
    folded = match_form(dateline)
    cut = 0 if folded.startswith(("〔", "【", "[")) else folded.find("(")
    if cut < 0:
        found = re.search(r"[讯电]", folded)
        cut = found.end() if found else len(folded)
    part = _REPORTED_RE.sub("", dateline[cut:])  # `记者张三报道：`
    credits = parse_byline(part)
    lone = part.strip(" ()（）【】[]")
    if not credits and is_name(lone):
        credits.authors.append(lone)
    return credits


# Line-block weights: a sentence line counts its Han characters; these count against a block.
SHORT_LINE_WEIGHT = -3  # a subhead or caption inside the text
META_LINE_WEIGHT = -12  # a date, source, editor, byline or keyword line
CHROME_LINE_WEIGHT = -25  # navigation, widgets, counters, hotlines
# Lines that are not text, this heavy together, separate two blocks however rich both are.
GAP_LIMIT = 30
_SENTENCE_RE = re.compile(r"[。；;]")
_CLOSING_RE = re.compile(r"[。！？!?…”\"』」）)]$")
_TITLE_NAV_RE = re.compile(
    r"首页|第[A-Z]?\d+版|\d+版\s*[:：]|上一[版篇页]|下一[版篇页]|简体|繁體|无障碍|欢迎|跳转|本页位置|当前位置|"
    r"您的位置|搜\s*索|登录|注册|字号|打印|通版|检索|数字报|返回|订阅|客户端|扫码|扫描|二维码|版权|"
    r"分享|微信|微博|朋友圈|粉丝团|\bAPP\b|第\d+[页篇]|下载|(?:网站|门户|新闻网|在线)$|"
    r"^(?:EN|English)\b|@|www\.|https?://|\.(?:jpg|png|gif)$"
)
# A subtitle (`——值得回忆的知青生活`), a photo caption (`▲记者随同巡警`), a label (`本版制图:X`).
_NOT_TITLE_START_RE = re.compile(r"^(?:—|-{2}|▲|△|图[:：\d]|[^:：《“\"]{1,6}[:：](?!\s*[《“\"]))")
_TITLE_JOIN_RE = re.compile(r"(?:——|—)$")
_KICKER_RE = re.compile(r"^【[^】]{2,12}】[^【】]{2,}")
# A QR-code widget's words glued to a title line (`扫描二维码访问…移动版 标题 扫描二维码…`).
_QR_WIDGET_RE = re.compile(r"^扫描?二维码\S*$")
# A title given as a labelled field (`文件名称:消防安全进校园报道稿.docx`, `标题:…`).
_TITLE_FIELD_RE = re.compile(
    r"^(?:文章标题|标题|题目|文件名称|文档名称)\s*[:：]\s*(?P<t>.+?)(?:\.(?:docx?|pdf|pptx?|xlsx?|txt|wps))?$",
    re.IGNORECASE,
)
# A headline glued to the first paragraph by a run of spaces (`标题   本报讯【…】…`).
_GLUED_TITLE_RE = re.compile(r"^(?P<t>[^\s。]+(?: [^\s。]+)*)(?:\s{3,}|\u3000{2,})(?P<rest>\S.*)$")
_BRACKETED_RE = re.compile(r"^[(（][^()（）]+[)）]$")
# A bar of hit counters (`浏览量:1 | | | |`): a widget row, not the breadcrumb above a headline.
_COUNTER_LABEL_RE = re.compile(f"(?:{labels.COUNTERS})")
_GLUED_BYLINE_RE = re.compile(r"\s*□?\s*(?:本报)?(?:记者|通讯员)\s.*$")
_CREDIT_WORD_RE = re.compile(r"口述|整理|记者\s|通讯员|供稿|摄影|责编|编辑[:：]")
_TITLE_META_KINDS = (Kind.DATE, Kind.SOURCE, Kind.EDITOR, Kind.BYLINE)
# Bonus by (meta line index - title index): a headline stands right above its date line.
_META_DISTANCE_BONUS = {1: 5.0, 2: 3.0, 3: 1.0, -1: 1.0, -2: 0.5}
# A CMS writer field on a meta line: `作者:X`, `撰稿:X` (not `记者:X`).
_AUTHOR_FIELD_RE = re.compile(f"(?:{labels.AUTHOR_FIELD})" + labels.COLON)
# A reporter's or correspondent's credit standing as its own token on a meta line: the
# role then a space or a colon, or the Taiwanese `記者X／台北報導`, `記者X、Y／台北報導` (the
# names glued to the role, a slash before the place).
_ROLE_CREDIT_RE = re.compile(
    f"(?:^|(?<=\\s))[{HAN}]{{0,6}}?(?:{labels.REPORTER}|{labels.CORRESPONDENT})"
    f"(?=[\\s:]|[{HAN}]{{2,4}}(?:[、,][{HAN}]{{2,4}})*/)"
)
_CREDIT_LABEL_RE = re.compile(
    r"(?:作者|记者|撰稿)\s*[:：]?\s*.+?"
    f"(?=\\s{{2,}}|\\s*(?:来源|时间|发布|{labels.EDITOR}|{labels.SIGN_OFFS})|$)"
)
TITLE_MAX_CHARS = 80
_OUTLET_RE = re.compile(r"(?:社|报|网|台|中心|频道)$")
_SITE_NAME_RE = re.compile(r"(?:网|網|门户|網站|网站|报|報|台|数字报|數字報)$")


def sentence_weight(line: str) -> int:
    """The Han characters of a line that reads as running text (a full stop or semicolon,
    or a long clause), else 0: headlines end with `!` and `?` too, rarely with `。`."""
    han = han_count(line)
    if han >= 8 and _SENTENCE_RE.search(match_form(line)):
        return han
    if han > 30 and re.search(r"[,，、!！?？]", line):
        return han
    return 0


def line_weight(line: str, kind: Kind) -> int:
    """How much a line adds to the article block it stands in (negative: it is not text)."""
    if kind == Kind.TEXT:
        return sentence_weight(line) or SHORT_LINE_WEIGHT
    if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR, Kind.KEYWORDS, Kind.BYLINE, Kind.LEAD):
        return META_LINE_WEIGHT
    return CHROME_LINE_WEIGHT


def densest_block(lines: list[str], kinds: list[Kind]) -> tuple[int, int]:
    """[start, end) of the run of lines with the most sentence text, less what is not text
    in between (the line-block distribution); related-reading and footer lines end a run."""
    best, best_span = 0, (0, 0)
    total, start, gap = 0, 0, 0
    for i, (line, kind) in enumerate(zip(lines, kinds)):
        if kind in STOP_KINDS:
            total, start, gap = 0, i + 1, 0
            continue
        weight = line_weight(line, kind)
        gap = gap + weight if weight < 0 else 0
        total += weight
        if total <= 0 or gap <= -GAP_LIMIT:
            total, start = 0, i + 1
        elif total > best:
            best, best_span = total, (start, i + 1)
    start, end = best_span
    if end - start > 1 and is_heading(lines[start]):  # the headline opening the block
        start += 1
    return start, end


def is_heading(line: str) -> bool:
    """A short line with no full stop: a headline or subhead, not a paragraph."""
    return "。" not in line and len(line) <= TITLE_MAX_CHARS


def title_part(line: str) -> tuple[str, str | None]:
    """A title line without its bullet, and a byline glued to its end, if any
    (`…孙永红出席并讲话 □记者 仪博文 报道`)."""
    line = strip_bullet(line)
    glued = _GLUED_BYLINE_RE.search(line)
    if glued and glued.start() > 0 and looks_like_byline(glued.group(0).strip(" □")):
        return line[: glued.start()].rstrip(), glued.group(0).strip(" □")
    return line, None


def meta_bonus(lines: list[str], kinds: list[Kind], i: int, body_start: int) -> float:
    """How well line i stands as a headline above the date, source or byline lines (a date
    alone in brackets, `(2022年2月28日)`, is a document's date under its inner title: half)."""
    bonus = 0.0
    for j in range(max(0, i - 2), min(body_start, i + 4)):
        if j != i and (kinds[j] in _TITLE_META_KINDS or parse_source(lines[j])):
            weight = 0.5 if kinds[j] == Kind.DATE and _BRACKETED_RE.match(lines[j]) else 1.0
            bonus = max(bonus, weight * _META_DISTANCE_BONUS.get(j - i, 0.0))
    return bonus


def title_score(lines: list[str], kinds: list[Kind], i: int, body_start: int, header: list[str]) -> float:
    """How much line i looks like the headline of a body starting at `body_start`
    (`header`: the lines before the body short enough to be titles)."""
    if kinds[i] != Kind.TEXT or len(lines[i]) > TITLE_MAX_CHARS:
        return float("-inf")
    line = strip_site_name(title_part(without_widgets(lines[i]))[0])
    han = han_count(line)
    if han < 2 or sentence_weight(line) > 40:
        return float("-inf")
    score = 0.0
    folded = match_form(line)
    if _NOT_TITLE_START_RE.search(folded) or folded.count(":") >= 2 or _CREDIT_WORD_RE.search(folded):
        score -= 6
    if _TITLE_NAV_RE.search(folded) or is_breadcrumb(line):
        score -= 10
    if folded.count("|") + folded.count(">") >= 2 or folded.endswith(":"):
        score -= 6
    if "。" in line:
        score -= 4
    if han < 6:
        score -= 1 if han == 5 else 2 if han == 4 else 3
    if len(line) <= 12 and _OUTLET_RE.search(line):  # `当代商报社`: a source, not a headline
        score -= 6
    if han < len(line) / 2:  # widget rows: `CNML格式】 【 】 【打 印】`, `Edge官網下載`
        score -= 4
    repeats = sum(1 for other in header if other == line or (len(line) >= 6 and line in other)) - 1
    score += -4 if repeats >= 3 else 2 * repeats  # e-papers print a title 2-3 times, a column name more
    score += meta_bonus(lines, kinds, i, body_start)
    if i > 0 and (
        (kinds[i - 1] == Kind.NAV and not _COUNTER_LABEL_RE.search(match_form(lines[i - 1])))
        or is_breadcrumb(lines[i - 1])
    ):
        score += 3  # the headline follows the breadcrumb
    if _KICKER_RE.match(line):
        score += 2  # `【聚焦乡村振兴】从五个村庄…`: a column kicker opens headlines
    if _TITLE_JOIN_RE.search(line):
        score -= 3  # `来自8个共富观察点的所见所思——`: a kicker or subtitle leading into another line
    score += max(0, 6 - (body_start - i)) / 2
    return score


def without_widgets(line: str) -> str:
    """The line without the QR-code widget words glued around a headline."""
    if "二" not in line:  # most lines: nothing to look for
        return line
    words = line.split(" ")
    kept = [word for word in words if not _QR_WIDGET_RE.match(match_form(word))]
    return " ".join(kept) if kept and len(kept) < len(words) else line


def title_field(lines: list[str]) -> str | None:
    """The title a labelled field names (`文件名称:X.docx` on a document-sharing page, `标题:X`),
    if a line before the body is one."""
    for line in lines:
        found = _TITLE_FIELD_RE.match(match_form(line))
        if found and han_count(found["t"]) >= 4:
            return line[found.start("t") : found.end("t")]
    return None


def glued_title(line: str) -> str | None:
    """A headline glued to the first paragraph (raw `line`) by a run of spaces, when the
    paragraph goes on with a dateline (`标题   本报讯【…记者…】7月26日…`)."""
    found = _GLUED_TITLE_RE.match(strip_edges(line))
    if not found or len(found["t"]) > TITLE_MAX_CHARS or han_count(found["t"]) < 4:
        return None
    return clean_line(found["t"]) if split_dateline(found["rest"])[0] else None


def find_title(lines: list[str], kinds: list[Kind], body_start: int) -> tuple[str, int, str | None]:
    """The best-scoring title line before the body, its index and any byline glued to it
    (('', -1, None) when no line looks like one); a headline broken over two lines
    (`…治理——` / `“三重奏”…`) is joined. A labelled title field wins over every line."""
    if field := title_field(lines[:body_start]):
        return field, -1, None  # a field, not a headline line with its meta lines below
    header = [line for line in lines[:body_start] if len(line) <= TITLE_MAX_CHARS]
    scored = [(title_score(lines, kinds, i, body_start, header), i) for i in range(body_start)]
    scored = [(score, i) for score, i in scored if score > -5]
    if not scored:
        return "", -1, None
    _, i = max(scored, key=lambda item: (item[0], -item[1]))  # a tie: the earlier line (above a subtitle)
    title, byline = title_part(without_widgets(lines[i]))
    if (
        _TITLE_JOIN_RE.search(title)
        and i + 1 < body_start
        and kinds[i + 1] == Kind.TEXT
        and len(lines[i + 1]) <= TITLE_MAX_CHARS - len(title)
        and not _NOT_TITLE_START_RE.search(match_form(lines[i + 1]))
    ):
        title += lines[i + 1]
    elif (
        i > 0
        and _TITLE_JOIN_RE.search(lines[i - 1])
        and kinds[i - 1] == Kind.TEXT
        and len(lines[i - 1]) <= TITLE_MAX_CHARS - len(title)
        and han_count(lines[i - 1]) >= 4
    ):
        title = lines[i - 1] + title
    return strip_site_name(title), i, byline


def strip_site_name(title: str) -> str:
    """The headline of a `<title>`-like line: `标题-今日房县网-- 房县门户` gives `标题`."""
    parts = re.split(r"\s*(?:-{1,2}|_|－)\s*", title)
    if len(parts) > 1 and all(_SITE_NAME_RE.search(p) or len(p) <= 6 for p in parts[1:] if p):
        return parts[0]
    if len(parts) == 2 and _SITE_NAME_RE.search(parts[0]) and len(parts[1]) > len(parts[0]):
        return parts[1]  # `海南日報數字報-老街巷裡的海口往事`
    return title


def header_date(lines: list[str], title_at: int, year: int | None) -> str | None:
    """The date of the date line nearest below the title (a today-date widget may stand
    above it), else the nearest above; a date without a year (`10-03 10:13:10`) takes
    `year` (from the URL)."""
    below = range(max(title_at + 1, 0), len(lines))
    above = range(min(title_at, len(lines)) - 1, -1, -1) if title_at > 0 else range(0)
    for i in [*below, *above]:
        if len(lines[i]) <= 120 and date_role(lines[i]) != DateRole.OTHER:  # not a recommended item's
            found = parse_date(lines[i], year=year if below.start <= i < below.start + 3 else None)
            if found:
                return found
    return None


# The longest value standing on its own line under a bare label (`来源:` / `钱江晚报`).
SHORT_VALUE = 20
# A header line longer than this is running text, not a line of labelled fields.
LABELLED_LINE_MAX = 100


def read_header(
    lines: list[str], kinds: list[Kind], title_at: int, art: Article
) -> tuple[str | None, Credits, Credits]:
    """Take date, source, editor and credits from the lines before the body. Return an
    unlabelled line that may name the source (`当代商报社` above the date line), the
    names of `作者:` fields on meta lines (`时间:… 来源:驻马店日报 作者:何小千`, often the
    uploader), for the caller to use when no `来源:` label, byline or dateline names one, and
    the names credited for pictures alone (`南瑞集团 宋宁 摄` above a lead photo)."""
    guess = None
    fields = Credits()
    photographers = Credits()
    url_date = date_from_url(art.url)
    art.published_at = art.published_at or header_date(
        lines, title_at, int(url_date[:4]) if url_date else None
    )
    for i, (line, kind) in enumerate(zip(lines, kinds)):
        if kind in (Kind.DATE, Kind.SOURCE, Kind.EDITOR, Kind.KEYWORDS):
            take_meta_line(line, kind, art)
            field = _AUTHOR_FIELD_RE.search(match_form(line))
            target = fields if field else art  # a CMS `作者:` field waits for the byline
            add_credits(target, labelled_credits(line))
        elif kind == Kind.BYLINE:
            art.byline = art.byline or line
            credit(art, line, photographers)
            take_source(line, art)  # `记者 汪晓东 曲昌荣 来源:人民网`
        elif kind == Kind.TEXT and i > title_at >= 0 and is_source_line(line, lines, i, art):
            guess = guess or clean_source(line)
        elif kind == Kind.TEXT and i > title_at >= 0 and is_name(line):  # a bare author line
            add_credits(art, Credits(authors=[line]))
        elif kind == Kind.TEXT and i > title_at >= 0 and (speaker := speaker_name(line)):
            add_credits(art, Credits(authors=[speaker]))
        elif kind == Kind.TEXT and i > title_at >= 0:  # `记者 汪晓东 曲昌荣 来源:人民网`
            add_credits(art, labelled_credits(line))
            if len(line) < LABELLED_LINE_MAX:
                take_source(line, art)
    return guess, fields, photographers


def labelled_credits(line: str) -> Credits:
    """Reporters named on a meta line (`发布时间:… 作者:王奇芬`, `记者 汪晓东 … 来源:人民网`)."""
    match = _CREDIT_LABEL_RE.search(match_form(line))
    return parse_byline(match.group(0)) if match else Credits()


def read_tail(lines: list[str], kinds: list[Kind], art: Article) -> None:
    """Take editor, keyword and byline lines that follow the body, up to related/footer."""
    for i, (line, kind) in enumerate(zip(lines, kinds)):
        if kind in STOP_KINDS:
            break
        if kind in (Kind.EDITOR, Kind.KEYWORDS, Kind.SOURCE):
            take_meta_line(line, kind, art)
            value = short_text_after(lines, kinds, i)  # `来源:` / `钱江晚报`, `编辑:` / `施袭森`
            if kind == Kind.SOURCE and not art.source:
                art.source = clean_source(value)
            if kind == Kind.EDITOR and not art.editor and value and is_name(value):
                art.editor = value
        elif kind == Kind.BYLINE or (kind == Kind.TEXT and is_names_only(line)):
            art.byline = art.byline or line  # `夏凡 余婷婷 余勤 柏建斌` closing the text
            add_byline_credits(art, line)


def after_header_in_block(lines: list[str], kinds: list[Kind], start: int, end: int) -> int:
    """Where the body starts when the densest block took in a notice above the headline (an
    age gate, a cookie notice): after a headline line and the date line right below it,
    among the block's first lines; else `start`."""
    for j in range(start + 2, min(start + HEADER_IN_BLOCK, end - 1)):
        if kinds[j] == Kind.DATE and kinds[j - 1] == Kind.TEXT and is_heading(lines[j - 1]):
            return j + 1
    return start


def short_text_after(lines: list[str], kinds: list[Kind], i: int) -> str | None:
    """The line after line `i` when it is a short text line (the value of a bare label)."""
    if i + 1 < len(lines) and kinds[i + 1] == Kind.TEXT and len(lines[i + 1]) <= SHORT_VALUE:
        return lines[i + 1]
    return None


def read_text_page(text: str, art: Article) -> None:
    """Fill the article from a plain-text rendering of a news page, from evidence across the
    whole page: the body is the densest block of sentence lines, the title the line before
    it that best looks like one (near the date line, repeated, not navigation), and meta
    lines are read around both."""
    raw = [line for line in text.splitlines() if strip_edges(line)]
    lines = [clean_line(line) for line in raw]
    kinds = [classify_line(line) for line in lines]
    for line in lines[:BREADCRUMB_WINDOW]:
        if is_breadcrumb(line):
            art.section = art.section or parse_breadcrumb(line)
            break
    start, end = densest_block(lines, kinds)
    if start == end:
        return
    start = after_header_in_block(lines, kinds, start, end)
    art.title, title_at, glued_byline = find_title(lines, kinds, start)
    art.title = art.title or glued_title(raw[start]) or ""
    if glued_byline:
        art.byline = glued_byline
        add_credits(art, parse_byline(glued_byline))
    guess, fields, photographers = read_header(lines[:start], kinds[:start], title_at, art)
    lead_at = next((i + 1 for i in range(min(end, len(lines) - 1)) if kinds[i] == Kind.LEAD), None)
    lead = clean_paragraph(raw[lead_at]) if lead_at is not None else None
    if lead_at == start:  # the lead under 核心提示 is a summary, not body
        start += 1
    cut = end == len(lines) and end - start > 1 and not _CLOSING_RE.search(lines[end - 1])
    stop = end - 1 if cut else end
    finish_body(raw[start:stop], art, kinds[start:stop], photographers)
    read_tail(lines[end:], kinds[end:], art)
    art.source = art.source or guess
    if not (art.authors or art.correspondents):
        add_credits(art, fields)
    art.summary = art.summary or real_summary(lead, art)


def is_source_line(line: str, lines: list[str], i: int, art: Article) -> bool:
    """A short unlabelled line between the title and the date names the source (当代商报社)."""
    if art.source or len(line) > 20 or i + 1 >= len(lines):
        return False
    return classify_line(clean_line(lines[i + 1])) == Kind.DATE and not any(
        c in match_form(line) for c in ",。!?:"
    )


def real_summary(lead: str | None, art: Article) -> str | None:
    """The lead, unless it is only a truncated copy of the body's opening."""
    if not lead:
        return None
    dateline, rest = split_dateline(lead)
    squashed = "".join((rest if dateline else lead).split())
    opening = "".join("".join(art.body[:2]).split())
    return None if opening.startswith(squashed) else lead
