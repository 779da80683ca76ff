"""One date parser for every Chinese news date format the adapters meet.

`parse_date` never raises: a string with no usable date gives None.
Pages of these sites are China time, so a time without a zone gets +08:00;
a date without a time stays a bare date (`2020-03-19`).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable

from newsclean.extract.text import match_form

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))

# A time, with the half of the day a 12-hour clock names (`下午10:37`) when it is given.
_TIME = (
    # a weekday between (`2024年03月05日 星期二 08:21`, `週二`, `（星期二）`), a bar
    # (`2024.03.05 | 08:21`) or Hong Kong's zone (`HKT 08:21`, RTHK; `香港時間16時30分`), a
    # 12-hour clock's half of the day (`下午3:21`, `PM 03:21`), hours and minutes in words
    # (`8点21分`)
    r"(?:(?:\s*[(（]?(?:星期|周|週|礼拜|禮拜)[一二三四五六日天][)）]?)?(?:\s*(?:[|｜]|HKT)(?=\s*\d{1,2}\s*:))?"
    # a zone's name in words (`香港時間16時30分`, a Hong Kong government release's last line)
    r"(?:\s*(?:北京|香港|澳門|澳门|台北)(?:时间|時間)(?=\s*\d))?"
    r"[T\s]*(?P<half>上午|中午|下午|晚上|凌晨|早上|[AaPp][Mm])?\s*(?P<H>\d{1,2})\s*[:时時点點]\s*(?P<M>\d{1,2})"
    r"(?:\s*[:分]\s*(?P<S>\d{1,2})(?:\.\d+)?)?)?"
)
_AFTERNOON = ("中午", "下午", "晚上", "PM", "pm", "Pm", "pM")
_ZONE = r"(?:\s*(?P<Z>Z|[+-]\d{2}:?\d{2}))?"
# 2020-03-19 17:00:58, 2020/04/03, 2020.4.3, 2022年04月20日 14:06, 2020年4月3日, ISO with zone,
# and `2023 03/15 10:42:17` (year, day and time in separate spans, as on news.cn)
_FULL_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?:\s*[-/.年]\s*|\s+(?=\d{1,2}\s*/))(?P<m>\d{1,2})\s*[-/.月]\s*"
    # the day, or two digits glued to the time (`2024-03-0508:21`: two spans without a space)
    r"(?P<d>\d{1,2}(?!\d)|\d{2}(?=\d{1,2}\s*[:时]\s*\d))\s*日?" + _TIME + _ZONE
)
# 二〇二四年三月五日: a date in Chinese numerals (its year holds a 〇)
_DIGITS = "〇一二三四五六七八九○"
_CHINESE_DATE_RE = re.compile(
    r"(?P<y>[〇○一二三四五六七八九]{4})年(?P<m>十[一二]?|[一二三四五六七八九])月"
    r"(?P<d>[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])日"
)
# 民國113年3月5日 or 113年3月5日: a year of the Republic of China calendar (Taiwan: + 1911), a
# three-digit one alone (a two-digit `98年` is 1998 in mainland writing)
_ROC_RE = re.compile(
    r"(?:民[國国]\s*(?P<y>\d{2,3})|(?<![\d.])(?P<y3>1[0-4]\d))\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    + _TIME
)
ROC_OFFSET = 1911
# 24-5-13 17:07: a two-digit year (2000-2039), read only with a time after it (Weibo); the
# day may be two digits glued to the time (`发布时间：18-03-0823:16`: two spans, as Baijiahao
# prints it); not part of a time (`10:24-5-13`)
_SHORT_YEAR_RE = re.compile(
    r"(?<![\d\-/.])(?<!\d:)(?P<y>[0-3]\d)-(?P<m>\d{1,2})-(?:(?P<d>\d{1,2})\s+|(?P<d2>\d{2})(?=\d{1,2}:\d))"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?![\d:])"
)
# 30.11.2017 22:27: day first, as some sites (and their copies) write it
_DAY_FIRST_RE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})(?![\d.])" + _TIME
)
# 04-03 10:20 or 4月3日 10:20: no year, taken from context
_SHORT_RE = re.compile(
    r"(?<![\d-])(?P<m>\d{1,2})\s*[-月]\s*"
    # the day, then a space; or two digits glued to the time (`10-0812:00`: two spans)
    r"(?:(?P<d>\d{1,2})(?!\d)\s*日?\s+|(?P<d2>\d{2})(?=\d{1,2}:\d))"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
)
# 3小时前, 15分钟前, 2天前, 刚刚
_RELATIVE_RE = re.compile(r"(?P<n>\d+)\s*(?P<unit>秒|分钟|小时|天)前|刚刚")
# /2020/07-04/ or /202003/19/ or /t20180817_ in a URL
_URL_RE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[-/]?(?P<m>\d{2})[-/]?(?P<d>\d{2})(?=[/_.])|/t(?P<y2>(?:19|20)\d{2})(?P<m2>\d{2})(?P<d2>\d{2})_"
)
# Labels of a date line that dates another item than the post: the newest recommended article
# (CSDN `最新推荐文章于`), a related item.
# ... or today's date in a portal's top bar (`今天是2024年6月1日 星期六`).
_OTHER_ITEM_DATE_RE = re.compile(
    r"最新推荐|推荐文章|相关(?:文章|新闻|阅读)|上一篇|下一篇|今天是|今日是|今天\s*[:：]|当前(?:日期|时间)"
)
# Every label that may stand before a date in a line (where the line is cut to read each
# date with its own label).
_ANY_DATE_LABEL_RE = re.compile(
    r"(?:发布|更新|发表|成文|发文|修改)?(?:时间|日期)\s*[:：]|(?:发布|发表|编辑|更新)于|最新推荐|最后(?:更新|修改|编辑)"
)
# Where a line's first date starts (its label stands before).
_DATE_START_RE = re.compile(r"\d{2,4}\s*[-/.年]\s*\d")
# Labels of a later edit's date, and of the date a published document was written.
_LATER_DATE_RE = re.compile(
    r"(?:更新|修改|编辑)于|最后(?:更新|修改|编辑)|(?:更新|修改)(?:时间|日期)|成文日期"
)
# An edit stamp naming its verb after the date: CSDN's `已于 2024-05-07 22:12:13 修改`, a
# Discuz! post's `本帖最后由 X 于 2024-5-7 22:12 编辑`.
_EDITED_AT_RE = re.compile(
    r"于\s*\d{4}\D\d{1,2}\D\d{1,2}\D?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:修改|编辑|更新)|本帖最后由"
)
_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}


def _iso(
    y: int, m: int, d: int, H: str | None, M: str | None, S: str | None, zone: str | None = None
) -> str | None:
    """The ISO string for these parts, or None when they are no real date."""
    try:
        day = dt.date(y, m, d)
        if H is None:
            return day.isoformat()
        stamp = dt.datetime(y, m, d, int(H), int(M or 0), int(S or 0))
    except (ValueError, OverflowError):
        return None
    return stamp.replace(tzinfo=_zone(zone)).isoformat()


def _zone(zone: str | None) -> dt.tzinfo:
    """The time zone a `Z` or `+08:00` suffix names; China time when none (or a bad one) is given."""
    if zone == "Z":
        return dt.timezone.utc
    if not zone:
        return CHINA_TZ
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    try:
        return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    except ValueError:  # an offset of 24 hours or more
        return CHINA_TZ


def arabic_date(text: str) -> str:
    """The text with a date written in Chinese numerals (`二〇二四年三月五日`, as government
    documents sign off) written in digits (`2024年3月5日`)."""
    return _CHINESE_DATE_RE.sub(digits_of_date, text)


def digits_of_date(match: re.Match[str]) -> str:
    """A date in Chinese numerals matched by _CHINESE_DATE_RE, in digits."""
    year = "".join(str(_DIGITS.index(c) % 10) for c in match["y"])
    return f"{year}年{chinese_number(match['m'])}月{chinese_number(match['d'])}日"


def chinese_number(text: str) -> int:
    """A number from 1 to 39 in Chinese numerals (`五`, `十二`, `二十`, `三十一`)."""
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return _DIGITS.index(text) % 10
    return (_DIGITS.index(tens) % 10 if tens else 1) * 10 + (_DIGITS.index(units) % 10 if units else 0)


# The patterns of dates written with their year, in the order they are tried, and how each
# gives the year.
_WITH_YEAR: tuple[tuple[re.Pattern[str], Callable[[dict[str, str | None]], int]], ...] = (
    (_FULL_RE, lambda g: int(g["y"] or 0)),
    (_DAY_FIRST_RE, lambda g: int(g["y"] or 0)),
    (_ROC_RE, lambda g: int(g["y"] or g["y3"] or 0) + ROC_OFFSET),
    (_SHORT_YEAR_RE, lambda g: 2000 + int(g["y"] or 0)),
)


def parse_date(text: str | None, *, year: int | None = None, now: dt.datetime | None = None) -> str | None:
    """The first date in `text` as ISO 8601, or None.

    `year` completes dates written without one (`04-03 10:20`); `now` (aware) resolves
    relative dates (`3小时前`); without it a relative date gives None.
    """
    if not text:
        return None
    text = match_form(text)
    if "〇" in text or "○" in text:
        text = arabic_date(text)
    found = first_dated(text)
    if found:
        return found
    if year is not None:
        for match in _SHORT_RE.finditer(text):
            g = match.groupdict()
            found = _iso(year, int(g["m"]), int(g["d"] or g["d2"]), g["H"], g["M"], g["S"])
            if found:
                return found
    rel = _RELATIVE_RE.search(text)
    if rel and now is not None:
        count, unit = (int(rel["n"]), _UNITS[rel["unit"]]) if rel["n"] else (0, "seconds")  # 刚刚
        return relative_to(now, count, unit)
    return None


def first_dated(text: str) -> str | None:
    """The first date written with its year in `text` (the patterns of `_WITH_YEAR` in turn)."""
    for pattern, year_of in _WITH_YEAR:
        for match in pattern.finditer(text):
            g = match.groupdict()
            day = int(g["d"] or g.get("d2") or 0)  # `24-5-0817:07`: the day glued to the time
            found = _iso(
                year_of(g),
                int(g["m"]),
                day,
                hour(g.get("H"), g.get("half")),
                g.get("M"),
                g.get("S"),
                g.get("Z"),
            )
            if found:
                return found
    return None


def hour(value: str | None, half: str | None) -> str | None:
    """The hour on a 24-hour clock: `下午10` is 22."""
    if value is None or half not in _AFTERNOON or int(value) >= 12:
        return value
    return str(int(value) + 12)


def in_china_time(iso: str | None) -> str | None:
    """An ISO date with a time in another zone (`…Z`, `…+00:00`) moved to China time."""
    if not iso or "T" not in iso or iso.endswith("+08:00"):
        return iso
    try:
        return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(CHINA_TZ).isoformat()
    except ValueError:
        return iso


class DateRole(enum.Enum):
    """What a date line dates: the post; a later edit of it or the document it publishes
    (`成文日期`), taken when nothing dates the post; or another item."""

    POST = "post"
    LATER = "later"
    OTHER = "other"


def line_dates(line: str) -> tuple[str | None, str | None]:
    """The post's date and a later one (an edit, the document's) that a line gives, each
    date read with the label before it: `成文日期： | 2019-12-30 | 发布日期： | 2020-01-02`
    gives ('2020-01-02', '2019-12-30'); a recommended item's date gives neither."""
    starts = [0] + [m.start() for m in _ANY_DATE_LABEL_RE.finditer(match_form(line)) if m.start()]
    post = later = None
    for start, end in zip(starts, [*starts[1:], len(line)]):
        part = line[start:end]
        found = parse_date(part)
        role = date_role(part) if found else DateRole.OTHER
        if role == DateRole.POST:
            post = post or found
        elif role == DateRole.LATER:
            later = later or found
    return post, later


def first_date_at(text: str) -> int | None:
    """Where the first date of the text starts (`2020-10-16`, `2020年10月`), None without one."""
    found = _DATE_START_RE.search(match_form(text))
    return found.start() if found else None


def date_role(line: str) -> DateRole:
    """The role of a date line by its label: `最新推荐文章于 …` dates the newest recommended
    article (CSDN), `更新于`/`编辑于`/`最后修改` before the first date, or a verb after it
    (`已于 DATE 修改`), a later edit; any other dates the post."""
    folded = match_form(line)
    if _OTHER_ITEM_DATE_RE.search(folded):
        return DateRole.OTHER
    first_date = _DATE_START_RE.search(folded)
    label = folded[: first_date.start()] if first_date else folded  # `发布时间:… 更新时间:…` dates the post
    edited = _EDITED_AT_RE.search(folded)
    if _LATER_DATE_RE.search(label) or (edited and edited.start() <= len(label)):
        return DateRole.LATER
    return DateRole.POST


def relative_to(now: dt.datetime, count: int, unit: str) -> str | None:
    """`count` `unit`s before `now`, in China time, as ISO 8601; None past the calendar's ends
    (`99999999999天前`, or `1天前` fetched in year 1)."""
    try:
        return (now.astimezone(CHINA_TZ) - dt.timedelta(**{unit: count})).replace(microsecond=0).isoformat()
    except (OverflowError, ValueError):
        return None


def is_relative_date(text: str) -> bool:
    """True when the text holds a relative date such as `3小时前`."""
    return bool(_RELATIVE_RE.search(text or ""))


def date_from_url(url: str | None) -> str | None:
    """The publication day encoded in an article URL's path, if any."""
    if not url:
        return None
    match = _URL_RE.search(url)
    if not match:
        return None
    g = match.groupdict()
    y, m, d = (g["y"], g["m"], g["d"]) if g["y"] else (g["y2"], g["m2"], g["d2"])
    return _iso(int(y), int(m), int(d), None, None, None)
