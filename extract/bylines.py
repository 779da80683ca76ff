"""One byline parser: reporters (记者) and correspondents (通讯员) from any byline text.

Handles bylines on their own line (`映象网记者 王文凯 通讯员 王春亮 荣高洁 文/图`),
inline datelines opening the first paragraph (`映象网讯(记者 王振西 通讯员 闫彩彦 文/图)`,
`中新网郑州4月20日电(记者 …)`) and trailing bylines closing the last one
(`(河南日报客户端记者 卢松 通讯员 赵君明 陆梦娇)`). Nothing here raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsclean.extract import labels
from newsclean.extract.text import HAN, lazy_pattern, match_form

# Role markers, longest first. The value says which list the following names join;
# None marks a credit that qualifies names already given (`… 文/图`, `… 摄`).
_REPORTER = "authors"
_CORRESPONDENT = "correspondents"
ROLE_RE = re.compile(
    r"(?P<role>"
    r"(?:本报|本台|本网|本刊|全媒体|融媒体|见习|特约|首席|驻[^\s(（)）]{1,6})?"
    # an outlet glued before it (`南都记者`, `新京报记者`) is part of the credit, not a name
    + f"(?:(?<![{HAN}])[{HAN}]{{2,4}}(?={labels.REPORTER}))?"
    + labels.REPORTER
    + f"|{labels.CORRESPONDENT}|{labels.INTERN}|特约撰稿人?|{labels.WRITERS}"
    + f"|{labels.EDITOR}|{labels.PROOFREADERS}"
    + r"|文\s*/\s*图|图\s*/\s*文|摄影|摄像|图片|整理|整合|编译|综合"
    # `临沂报道`, `/台北報導`, `/ 台北報導` (places), `…榮昊北報導` (a name before it)
    f"|受访者供图|供图|资料图片?|[{HAN}]{{0,4}}报道|(?<=/)\\s*[{HAN}]{{1,4}}报导|报导"
    f"|(?<![{HAN}])(?:文图|图文|文|图|摄)(?![{HAN}])"
    r")\s*[:：/|]?\s*"
)
_INTERN = "interns"
_ROLE_KIND = {
    labels.CORRESPONDENT: _CORRESPONDENT,
    labels.INTERN: _INTERN,  # interns are credited but are not authors
    # editors and proofreaders on a credit line (`记者 李华 | 编辑 赵敏`) are no authors either:
    # parse_editor reads the editor
    **dict.fromkeys(f"{labels.EDITOR}|{labels.PROOFREADERS}".split("|"), _INTERN),
}
_CREDIT_ROLES = {
    "报道",  # `李华 报道`
    "文",
    "图",
    "摄",
    "文图",
    "图文",
    "摄影",
    "摄像",
    "整理",
    "整合",
    "编译",
    "综合",
    "受访者供图",
    "供图",
}
# Common Chinese surnames (single and compound): a byline token is taken for a name only when
# it starts with one, which keeps link labels (在线荐稿) and credits (受访者供图) out.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪"
    "梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简"
    "车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区"
    "郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣"
    "信展阴昝智幸奉植衡富尧闭由"
    # the same surnames in traditional script, where they differ
    "張劉陳楊黃趙吳孫馬鄭羅謝許韓馮鄧蕭葉蔣蘇呂盧薑鍾譚陸範廖賈韋鄒閆龍賀顧龔萬錢嚴溫齊喬龐顏莊聶魯嶽歐"
    "關蘭寧紀淩畢單塗駱藍遊鮑華饒陽時農繆簡車項連蘆麥婁竇黨宮費蔔衛應閔鄔邊師欒鞏遲鄺談荊樂儲勞諶藺"
    "樓盤滿聞厲區闞權強帥樸蓋練豐國計晉門雲闕榮"
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "司徒",
    "夏侯",
    "轩辕",
    "宇文",
    "长孙",
    "端木",
    "申屠",
    "南宫",
    "西门",
    "独孤",
)
# Outlet names (南方日报, 映象网, 新华社) look like names but end like this; `青综` is an
# outlet's 综合 (compiled by the 青年报).
_OUTLET_ENDINGS = ("报", "网", "社", "台", "刊", "新闻", "中心", "频道", "综")
_NAME_RE = re.compile(f"^[{HAN}]{{2,4}}$|^[{HAN}]{{1,8}}[·•][{HAN}]{{1,8}}$")
# Label and placeholder words that stand where a name would: never names.
_NOT_NAMES = labels.PLACEHOLDERS | frozenset(
    "来源 时间 日期 编辑 责编 出处 作者 记者 摄影 通讯员 发布 点击 浏览 阅读 字号 打印 分享".split()
    # a portal's services named after an office (`市长信箱`, `书记留言板`, `县长热线`)
    + "信箱 热线 留言 在线 专栏 接待".split()
)
_ROLE_NAME_RE = re.compile(f"^[{HAN}]{{2,3}}$")
# Roles after which any 2-3 character token is a name: a reporter's, and a writer's credit
# with its slash (`文/少言`, `图文/东星`: pen names have no surname).
_NAMING_ROLES = ("记者", "通讯员", "作者", "执笔")
_WRITER_SLASH_RE = re.compile(r"^(?:文|图文|文图)\s*/\s*$")
_SPLIT_RE = re.compile(r"[\s、,，;；/／|&＆]+")
# A writer's unit in brackets after the name (`李华（某县融媒体中心）`; the byline's outer
# brackets may have taken the closing one).
_AFFILIATION_NOTE_RE = re.compile(r"(?<=[^\s(（])[(（][^()（）]{2,20}[)）]?$")
# A place and day glued after a name in a news agency credit (`吳欣紜台北24日電`).
_PLACE_DAY_RE = re.compile(f"[{HAN}]{{2}}\\d{{1,2}}日[电電]$")
# A name list only: `(常书香 马丹阳)`
_affiliation_re = lazy_pattern(
    r"(?:北京|上海|天津|重庆|中国|中共|中央|国家|国务院|清华|复旦|南开|浙江|武汉|南京|河南|湖北|湖南|江苏|广东|"
    r"山东|四川|陕西|人民|华中|华东|华南|西南|西北|东北|首都|新华社|本报|本刊)[^\s]{2,}"
)
_names_only_re = lazy_pattern(f"^[{HAN}]{{2,4}}(?:[ 、,，][{HAN}]{{2,4}}){{1,5}}$")
_BYLINE_WORD_RE = re.compile(
    "|".join((labels.REPORTER, labels.CORRESPONDENT, labels.INTERN, labels.WRITERS))
    + r"|文\s*/\s*图|图\s*/\s*文|摄"
    + r"|^[(（]?\s*(?:图文|文图|文)\s*[/|｜]"  # a writer's credit line: `文/李华`, `文 | 李华`, `(图文/李华)`
    + r"|/\s*文\s*$"  # a name before it: `金曦/文`
    + r"|(?<=\s)报道\s*$"  # `李华 报道`
)

# A reporter's or a correspondent's credit.
_FIELD_CREDITS = labels.REPORTER + "|" + labels.CORRESPONDENT
# An inline dateline: `XX讯(…)`, `XX消息(…)`, `中新网郑州4月20日电(…)`, or a bare `本报讯`.
DATELINE_RE = re.compile(
    r"^(?P<dateline>"
    r"(?:[^\s,，。:：(（)）“”\"]|[(（][^()（）\s]{1,10}[)）]){1,24}?(?:讯|消息|电)\s*[:：]?\s*(?:[(（][^()（）]{1,80}[)）]|【[^【】]{1,80}】)"
    r"|[^\s,，。:：(（)）“”\"]{2,16}(?:客户端|网|报|台)\s*[(（](?=[^()（）]{0,20}(?:" + _FIELD_CREDITS + "))"
    r"[^()（）]{2,80}[)）]"
    r"|[^\s,，。:：(（“”\"]{1,16}讯\s+(?:" + _FIELD_CREDITS + r")[^,，。:：()（）]{2,60}?报道\s*[:：]"
    # a bare `本报讯` followed by its credits, the text after a space: `本报讯 记者李华 通讯员王强 今日…`
    r"|(?:本报|本网|本台|[^\s,，。(（“”\"]{1,12}网)讯(?:\s*(?:" + _FIELD_CREDITS + r")\s*[:：]?\s*"
    r"[\u4e00-\u9fff·]{2,4}(?:[ \u3000、][\u4e00-\u9fff·]{2,4})*(?=\s))+"
    r"|(?:本报|本网|本台)讯|[^\s,，。(（“”\"]{1,12}网讯|新华社[^\s,，。(（]{1,12}电|中新网[^\s,，。(（]{1,12}电"
    # Taiwanese and Hong Kong credits: `〔記者巫其倫／台北報導〕`, `(中央社記者吳欣紜台北24日電)`
    r"|[〔(【\[][^\s〔〕()【】\[\]]{0,6}?"
    + labels.REPORTER
    + r"[^〔〕()【】\[\]]{2,30}?(?:报导|报道|日电)\s*[〕)】\]]"
    # an outlet's reporter in brackets opening the text: `【某某日报记者 张三】` (not `【记者手记】`)
    r"|【[^\s【】]{0,12}?(?:"
    + labels.REPORTER
    + "|"
    + labels.CORRESPONDENT
    + r")(?:\s+|\s*[:：/])[^【】]{2,30}】"
    r")\s*[:：]?\s*"  # `央视网消息（新闻联播）：`
)
# A credit opening a paragraph that the body keeps whole: in brackets (`(文/张悦）`,
# `（记者/易东方)`, a column's `【文/观察者网专栏作者 王文】`), or after an outlet's `报道`
# (`网易娱乐9月13日报道 （文/少言 摄像/毛杰）`).
_OPENING_CREDIT_RE = re.compile(
    r"^(?:[^\s,，。:：(（)）“”\"]{2,24}?报道\s*)?[(（【](?P<credit>\s*(?:"
    + labels.REPORTER
    + r"|文|图文|文图)\s*[/:：]?\s*[^()（）【】]{2,30})[)）】]"
)
# A chain of credits glued after the last sentence: `闪电新闻记者 孔然 报道来源:闪电新闻编辑:孔然责编:赵宇光`.
_credit_chain_re = lazy_pattern(
    r"^(?:[^。！？:]{0,24}?(?:" + _FIELD_CREDITS + r")[^。！？:]{1,24}?)?(?:报道)?"
    r"(?:(?:"
    + "|".join((labels.SOURCE_WORD, labels.EDITOR, labels.SIGN_OFFS, labels.REVIEW_ROUNDS))
    + r")\s*:\s*[^。！？:]{1,16}?)+$"
)
# A trailing byline in parentheses closing the last paragraph.
TRAILING_RE = re.compile(r"[(（](?P<inner>[^()（）]{2,80})[)）]\s*$")


@dataclass
class Credits:
    """Names found in a byline."""

    authors: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    # credited for pictures alone (`摄影：X` in an info bar): authors of a photo piece only
    photographers: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.authors or self.correspondents)


def is_names_only(text: str) -> bool:
    """True for a line of 2-6 names and nothing else (`夏凡 余婷婷 余勤 柏建斌`), no label
    among them (`编辑 李华 张伟`)."""
    return _names_only_re().match(text) is not None and not _NOT_NAMES.intersection(text.split())


def is_name(token: str) -> bool:
    """True for a token shaped like a Chinese personal name (2–4 Han characters, known surname)."""
    if not _NAME_RE.match(token) or token.endswith(_OUTLET_ENDINGS):
        return False
    return "·" in token or "•" in token or token[0] in _SURNAMES or token.startswith(_COMPOUND_SURNAMES)


# A speech's speaker line closing with an office and a name, the name often spaced to the width
# of three characters: `…工作报告市城管局党组书记、局长  杜  宇`, `县委书记 张三`.
_SPEAKER_RE = re.compile(
    r"(?:书记|局长|县长|市长|区长|镇长|乡长|主任|部长|厅长|省长|主席|院长|校长|董事长|总经理|秘书长|处长)"
    f"\\s*(?P<name>[{HAN}](?:\\s{{0,3}}[{HAN}]){{1,2}})$"
)
# A speaker line is a heading, not a sentence.
_SPEAKER_LINE_MAX = 60


def speaker_name(line: str) -> str | None:
    """The speaker a speech or work report names under its headline (`…党组书记、局长  杜  宇`
    gives 杜宇), if the line is one."""
    if len(line) > _SPEAKER_LINE_MAX or re.search(r"[。，,；;！？>＞»]", line):  # a breadcrumb's `>` too
        return None
    match = _SPEAKER_RE.search(line)
    name = "".join(match["name"].split()) if match else ""
    return name if is_name(name) and name not in _NOT_NAMES else None


def name_before_affiliation(token: str) -> str | None:
    """The name opening `方敏北京大学经济学院教授` (a name glued to an institution), if any."""
    for size in (2, 3):
        if is_name(token[:size]) and _affiliation_re().match(token[size:]):
            return token[:size]
    return None


def _join_padded(tokens: list[str]) -> list[str]:
    """Tokens with a name padded out by spaces (`林 梅`, `杜 宇`) joined back together."""
    out: list[str] = []
    for token in tokens:
        if len(token) == 1 and out and len(out[-1]) == 1 and is_name(out[-1] + token):
            out[-1] += token
        else:
            out.append(token)
    return out


def _names(segment: str, after_role: bool = False) -> list[str]:
    """The personal names in a segment of byline text. Right after a role word (记者, 通讯员)
    a 2-3 character token is taken for a name even with a surname not on the list (仪博文)."""
    names = []
    for piece in _join_padded(_SPLIT_RE.split(segment)):
        token = _AFFILIATION_NOTE_RE.sub("", _PLACE_DAY_RE.sub("", piece))
        if token in _NOT_NAMES:
            continue
        if is_name(token) or (
            after_role
            and _ROLE_NAME_RE.match(token)
            and not token.endswith(_OUTLET_ENDINGS)
            and not ROLE_RE.match(token)
        ):
            names.append(token)
        elif len(token) > 4 and name_before_affiliation(token):
            names.append(name_before_affiliation(token) or "")
    return names


def parse_byline(text: str | None) -> Credits:
    """Split a byline into reporters and correspondents."""
    credits = Credits()
    if not text:
        return credits
    folded = match_form(text)
    inner = folded.strip().strip("()【】[]〔〕").strip()
    offset = folded.find(inner)
    text = text[offset : offset + len(inner)]  # names are cut from the text as written
    matches = list(ROLE_RE.finditer(inner))
    if not matches:
        if is_names_only(text) or is_name(text):  # `(常书香 马丹阳)`, a lone `(张巨峰)`
            credits.authors = _names(text)
        return credits
    if matches[0]["role"] in _CREDIT_ROLES:  # `王宇飞 摄`: names before a credit are its authors
        credits.authors.extend(_names(text[: matches[0].start()]))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        kind = _ROLE_KIND.get(match["role"], _REPORTER)
        spaced = match.group(0)[-1] in " :：/|\u3000"  # `记者 仪博文`, not `记者感言`
        names = _names(
            text[match.end() : end],
            after_role=spaced
            and (match["role"].endswith(_NAMING_ROLES) or _WRITER_SLASH_RE.match(match.group(0)) is not None),
        )
        if kind == _INTERN:
            continue
        target = credits.correspondents if kind == _CORRESPONDENT else credits.authors
        for name in names:
            if name not in target:
                target.append(name)
    return credits


# Roles that credit a picture: names after them, or before a trailing `摄`, are photographers.
_PHOTO_ROLES = frozenset({"摄", "图", "图片", "摄影", "摄像", "供图", "受访者供图", "资料图", "资料图片"})


# Roles that credit the text: a line with one of them is a byline, whatever else it credits.
_WRITER_ROLES = frozenset(
    {"文", "文图", "图文", labels.AUTHOR_WORD, *labels.OTHER_WRITER_WORDS, "整理", "整合", "编译", "综合"}
)


def is_photo_credit(byline: str) -> bool:
    """True for a credit of pictures alone: `新华社记者 王宇飞 摄`, `南瑞集团 宋宁 摄`,
    `摄影/张艳`, `图/本报记者 胡杰`; not a shared byline (`记者 李华 摄影 王强`, `文/李华 图/王强`,
    `信报记者 宗珊／文 陆欣／摄`)."""
    text = match_form(byline).strip().strip("()（）【】[]")
    matches = list(ROLE_RE.finditer(text))
    if not matches or any(re.sub(r"[\s/]", "", match["role"]) in _WRITER_ROLES for match in matches):
        return False
    if matches[-1]["role"] == "摄" and not text[matches[-1].end() :].strip():
        return True  # a trailing 摄 credits every name before it
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        if match["role"] in _PHOTO_ROLES or not text[match.end() : end].strip():
            continue
        # names after another role are writers, unless a picture role stands right before it
        if i == 0 or matches[i - 1]["role"] not in _PHOTO_ROLES or matches[i - 1].end() < match.start():
            return False
    return any(match["role"] in _PHOTO_ROLES for match in matches)


# The writer's unit as a field of its own after the byline (`作者：李华 作者单位：某县人民医院`).
_UNIT_FIELD_RE = re.compile(r"\s+(?:作者)?单位\s*:\s*\S+$")


def looks_like_byline(line: str) -> bool:
    """True for a line that is only a byline (role words and names, nothing else)."""
    line = _UNIT_FIELD_RE.sub("", match_form(line).strip()).strip().strip("()")
    if not line or len(line) > 60 or not _BYLINE_WORD_RE.search(line):
        return False
    leftover = ROLE_RE.sub(" ", line)
    if re.search(r"[。！？!?：:;；]", leftover):  # commas may separate names
        return False
    tokens = [t for t in _SPLIT_RE.split(leftover) if t]
    # What is left besides names may only be an outlet prefix such as 映象网 or 河南日报客户端.
    odd = [t for t in tokens if not is_name(t) and len(t) > 1]
    return bool(parse_byline(line)) and len(odd) <= 1 and all(len(t) <= 12 for t in odd)


# The outlet opening a dateline, before its reporter, its place and day, or its 讯/消息:
# `新华社北京3月5日电`, `(中央社記者X台北5日電)`, `央广网北京3月5日消息`, `大河报讯`.
_DATELINE_OUTLET_RE = re.compile(
    r"^[(（〔【\[]?(?P<o>[^\s(（)）〔〕【】\[\]]{2,10}?(?:社|网|台|报))"
    r"(?=" + labels.REPORTER + r"|\S{0,6}?\d{1,2}月?\d{1,2}日?(?:电|消息)|讯|消息)"
)


def dateline_outlet(dateline: str | None) -> str | None:
    """The outlet a dateline names (`新华社北京3月5日电` gives 新华社); None for a paper's
    own two-character `本报讯`, `晨报讯` and a dateline without one."""
    if not dateline:
        return None
    found = _DATELINE_OUTLET_RE.match(match_form(dateline))
    return dateline[found.start("o") : found.end("o")] if found else None  # the page's own script


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """(dateline, rest) when the paragraph opens with an inline dateline, else (None, paragraph)."""
    match = DATELINE_RE.match(match_form(paragraph))
    if not match or match.end() >= len(paragraph):
        return None, paragraph
    return paragraph[: match.end("dateline")].strip(), paragraph[match.end() :]


def opening_credits(paragraph: str) -> Credits:
    """The names credited at a paragraph's opening, by a dateline (`本报讯（记者 X）`) or a
    credit in brackets (`(文/张悦）…`, `网易娱乐9月13日报道 （文/少言）…`); none when the
    bracket holds no byline (`（记者手记）`)."""
    folded = match_form(paragraph)
    dateline = DATELINE_RE.match(folded)
    if dateline:
        cut = folded.find("(", 0, dateline.end())
        return parse_byline(paragraph[cut : dateline.end()]) if cut >= 0 else Credits()
    found = _OPENING_CREDIT_RE.match(folded)
    if not found or not looks_like_byline(found["credit"]):
        return Credits()
    return parse_byline(paragraph[found.start("credit") : found.end("credit")])


def split_trailing_byline(paragraph: str) -> tuple[str, str | None]:
    """(rest, byline) when the paragraph closes with a byline in parentheses, else (paragraph, None)."""
    match = TRAILING_RE.search(match_form(paragraph))
    if not match:
        return split_bare_trailing_byline(paragraph)
    inner = match["inner"].strip()
    if is_lone_trailing_name(paragraph[: match.start()], inner):  # `…举行。（张巨峰）`
        return paragraph[: match.start()].rstrip(), paragraph[match.start() : match.end()].strip()
    if not (_BYLINE_WORD_RE.search(inner) or is_names_only(inner)):
        return paragraph, None
    if not parse_byline(inner) or re.search(r"[。！？!?，,：:;；\d]", ROLE_RE.sub(" ", inner)):
        return paragraph, None
    return paragraph[: match.start()].rstrip(), paragraph[match.start() : match.end()].strip()


def is_lone_trailing_name(before: str, inner: str) -> bool:
    """True for one name in parentheses right after a paragraph's closing sentence, the
    reporter's credit of short news items (`…举行。（张巨峰）`), or as a paragraph of its own;
    not a position (`左一`)."""
    return (
        (not before.strip() or bool(re.search(r"[。！？!?”]\s*$", before)))  # or alone: `（吴昊）`
        and is_name(inner)
        and not re.match(r"^[左右中前后][一二三四五六七八九十]", inner)
    )


def split_bare_trailing_byline(paragraph: str) -> tuple[str, str | None]:
    """(rest, byline) when the text after the paragraph's last sentence is only a byline
    (`…出海打鱼。 记者 胡龙召 通讯员 王晓杰`, `…突破3000人。中新社发 张浪 摄`)."""
    ends = [m.end() for m in re.finditer(r"[。！？!?”]", paragraph)]
    if not ends or ends[-1] >= len(paragraph):
        return paragraph, None
    tail = paragraph[ends[-1] :].strip()
    if not tail or not (looks_like_byline(tail) or _credit_chain_re().match(match_form(tail))):
        return paragraph, None
    return paragraph[: ends[-1]].rstrip(), tail
