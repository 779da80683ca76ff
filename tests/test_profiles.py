"""Site profiles (issue 21): learned from a corpus of one host, applied back by `clean`.

The corpus is our own: pages written after the 2007-2009 article template of a portal's
entertainment channel (ent.163.com): a navigation bar, the headline, a date and 来源 line, the
body in `div#endText`, a promo line (`【娱乐周刊：明星私房话每周五独家放送】`) that some pages
print inside the body container and others just below it, related links and a footer.
One page of the same host follows another layout (a photo special: `div.photo-text`, its own
bar and footer), three pages reprint the first story with a changed last paragraph, and one
page puts an editor's pick box between the headline and `div#endText`.
The text renderings follow the seeds' rendering of hnr.cn pages (breadcrumb, title, date and
来源 line, body, then the site's disclaimer, links bar and copyright lines).
"""

from __future__ import annotations

import json
import sqlite3

from conftest import invoke
from newsclean.extract.body import PROFILE, BodyChoice, check_with_profile
from newsclean.extract.content import walk_page
from newsclean.extract.html import parse_html
from newsclean.extract.profiles import PageSample, learn, norm_line, short_lines

HOST = "ent.example.com"
PROMO = "【娱乐周刊：明星私房话每周五独家放送】"
NAV = (
    "<div class='nav'><a>首页</a> - <a>新闻</a> - <a>体育</a> - <a>娱乐</a> - <a>财经</a> - <a>科技</a></div>"
)
FOOTER = (
    "<div class='foot'><p>About NetEase - 公司简介 - 联系方法 - 招聘信息 - 客户服务</p>"
    "<p>网易公司版权所有</p><p>©1997-2009</p></div>"
)
RELATED = "<div class='related'><p>相关链接</p><p>娱乐频道首页</p><p>明星资料库</p></div>"
STORIES = [
    ("歌手新专辑首发", "某歌手昨日在北京举行新专辑首发会，现场来了两百多位歌迷，专辑收录了十首新歌。"),
    ("电影节开幕", "第十届电影节昨晚在上海开幕，来自二十多个国家的一百多部影片将在一周内展映。"),
    ("话剧重演", "经典话剧时隔十年再度登上首都剧场的舞台，主演表示这次重演加入了许多新的理解。"),
    ("综艺节目收官", "这档综艺节目上周末迎来收官之夜，节目组透露第二季已经开始筹备，明年春天播出。"),
    ("导演谈新片", "导演在接受采访时谈到新片的拍摄经历，称片中大部分场景都在西北的戈壁实地拍摄。"),
    ("演唱会加场", "由于门票在开售半小时内售罄，主办方决定为这场演唱会加演一场，时间定在下月初。"),
]


def paragraphs(lead: str, n: int) -> list[str]:
    """A story's paragraphs: its lead, then paragraphs of its own words."""
    more = [
        f"{lead[:12]}的消息传出后，第{i}位业内人士评论说，这件事在圈内引起了不小的反响，值得关注。"
        for i in range(2, 4)
    ]
    return [lead, *more, f"记者了解到，相关各方对此事的后续安排仍在商谈之中，第{n}号文件尚未公布。"]


def template_page(title: str, body: list[str], comments_inside: bool) -> str:
    """A page of the channel's article template."""
    inner = "".join(f"<p>{p}</p>" for p in body) + (f"<p>{PROMO}</p>" if comments_inside else "")
    after = "" if comments_inside else f"<div class='count'>{PROMO}</div>"
    return (
        f"<html><head><meta charset='utf-8'><title>{title}_网易娱乐</title></head><body>{NAV}"
        f"<h1>{title}</h1><div class='info'>2009-04-28 10:12:30　来源: 新京报</div>"
        f"<div id='endText'>{inner}</div>{after}{RELATED}{FOOTER}</body></html>"
    )


PICKED = ("新剧开机", "这部古装新剧昨日在横店开机，导演透露剧组将在三个月内完成全部拍摄，明年暑期播出。")


def picked_page() -> str:
    """A page of the template with an editor's pick box above the body container, as long as
    the story (a shorter box is a side block the finder leaves out alone): alone, the page
    reads the whole column (box and story, under the headline) as its body."""
    box = "".join(
        f"<p>{p}</p>"
        for p in paragraphs("编者按：本周娱乐圈热闹非凡，多部新片同时上映，各路明星纷纷登台。", 7)
    )
    html = template_page(PICKED[0], paragraphs(PICKED[1], 6), comments_inside=False)
    return html.replace("<div id='endText'>", f"<div class='pick'>{box}</div><div id='endText'>")


def odd_page() -> str:
    """A page of the same host in another layout, which prints the comment line in its body."""
    body = paragraphs(
        "这组照片记录了一位摄影师在云南山区拍摄的日常生活，画面朴素而动人，引来许多网友留言。", 9
    )
    inner = "".join(f"<p>{p}</p>" for p in [*body, PROMO])
    return (
        "<html><head><meta charset='utf-8'><title>图片故事：山里的日子</title></head><body>"
        "<div class='photo-bar'>图片频道 | 图片故事</div><h1>图片故事：山里的日子</h1>"
        f"<div class='date'>2009-05-02 09:00:00</div><div class='photo-text'>{inner}</div>"
        "<div class='photo-foot'>图片频道 意见反馈</div></body></html>"
    )


def write_corpus(folder):
    """The corpus, and the manifest giving each page its URL; the pages' names in order."""
    pages = {}
    for i, (title, lead) in enumerate(STORIES):
        pages[f"a{i}.html"] = template_page(title, paragraphs(lead, i), comments_inside=i < 2)
    for r in range(3):  # reprints of the first story: the last paragraph changed
        pages[f"r{r}.html"] = template_page(
            STORIES[0][0], paragraphs(STORIES[0][1], 10 + r), comments_inside=False
        )
    pages["odd.html"] = odd_page()
    pages["pick.html"] = picked_page()
    folder.mkdir()
    for name, html in pages.items():
        (folder / name).write_text(html, encoding="utf-8")
    manifest = folder / "manifest.jsonl"
    manifest.write_text(
        "".join(json.dumps({"path": n, "url": f"http://{HOST}/09/0428/{n}"}) + "\n" for n in pages),
        encoding="utf-8",
    )
    return sorted(pages), manifest


def rows(db) -> dict[str, tuple]:
    """The stored articles by input file name: body lines, extractor."""
    con = sqlite3.connect(db)
    found = con.execute("select input_path, body, extractor from articles").fetchall()
    return {path.rsplit("/", 1)[-1]: (body.split("\n"), extractor) for path, body, extractor in found}


def profile_rows(db) -> list[tuple]:
    """The stored profiles (none when `clean` learned none: no table)."""
    con = sqlite3.connect(db)
    if not con.execute("select 1 from sqlite_master where name = 'site_profiles'").fetchone():
        return []
    return con.execute("select * from site_profiles order by host, template").fetchall()


def clean(tmp_path, name, paths, manifest, *options):
    db = tmp_path / f"{name}.db"
    result = invoke("clean", *paths, "--db", db, "--manifest", manifest, *options)
    assert result.exit_code == 0, result.output
    return db


def test_profile_drops_template_lines_and_leaves_the_odd_page(tmp_path):
    names, manifest = write_corpus(tmp_path / "site")
    folder = tmp_path / "site"
    alone = rows(clean(tmp_path, "alone", [folder], manifest, "--no-profiles", "--jobs", "1"))
    db = clean(tmp_path, "profiled", [folder], manifest, "--jobs", "1")
    learned = rows(db)
    # alone, the comment line leaks into the bodies that print it inside the container
    assert PROMO in alone["a0.html"][0] and PROMO in alone["a1.html"][0]
    # with the profile it is a template line: gone, and the rows say a profile was used
    assert all(PROMO not in learned[n][0] for n in names if n != "odd.html")
    assert learned["a0.html"] == (alone["a0.html"][0][:-1], "generic/1 +profile")
    assert learned["a2.html"] == alone["a2.html"]  # nothing to change there
    # the odd page shares no template with the host: extracted as before, its line kept
    assert learned["odd.html"] == alone["odd.html"] and PROMO in learned["odd.html"][0]
    (profile,) = profile_rows(db)
    host, template, pages, lines = profile[:4]
    assert (host, template) == (HOST, "html")
    assert pages == 8  # 11 pages: the first story and its 3 reprints are one article
    assert PROMO in json.loads(lines) and "网易公司版权所有" in json.loads(lines)
    # the reprinted paragraphs (5 pages, one story) are not template, and stay in the bodies
    reprinted = paragraphs(STORIES[0][1], 0)[1]
    assert reprinted not in json.loads(lines)
    assert all(reprinted in learned[n][0] for n in ("a0.html", "r0.html", "r1.html", "r2.html"))
    assert json.loads(profile[4])[0][0] == "div#endText"
    # alone, the page with a pick box reads it into its body; the profile's location narrows it
    assert learned["pick.html"] == (paragraphs(PICKED[1], 6), "generic/1 +profile")
    assert alone["pick.html"][0][0].startswith("编者按")  # the box (the headline is the title)


def test_profiles_are_the_same_in_any_order_and_with_two_jobs(tmp_path):
    names, manifest = write_corpus(tmp_path / "site")
    files = [tmp_path / "site" / name for name in names]
    one = clean(tmp_path, "one", files, manifest, "--jobs", "1")
    other = clean(tmp_path, "other", files[::-1], manifest, "--jobs", "2")
    assert rows(one) == rows(other)
    assert [p[:6] for p in profile_rows(one)] == [p[:6] for p in profile_rows(other)]


def clean_runs(tmp_path, name, runs, manifest):
    """One database cleaned by one `clean` run per list of files, in turn."""
    db = tmp_path / f"{name}.db"
    for files in runs:
        result = invoke("clean", *files, "--db", db, "--manifest", manifest, "--jobs", "1")
        assert result.exit_code == 0, result.output
    return db


def test_profiles_and_rows_are_the_same_however_the_runs_split(tmp_path):
    names, manifest = write_corpus(tmp_path / "site")
    folder = tmp_path / "site"
    # the first part holds 5 distinct articles (a0 and its reprint r0 are one): it learns alone
    first = [folder / n for n in ("a0.html", "a1.html", "a2.html", "a3.html", "a4.html", "r0.html")]
    second = [folder / n for n in names if folder / n not in first]
    together = clean_runs(tmp_path, "together", [first + second], manifest)
    expected = rows(together)
    assert expected["pick.html"][1] == "generic/1 +profile"
    for name, runs in (("first_then_second", [first, second]), ("second_then_first", [second, first])):
        db = clean_runs(tmp_path, name, runs, manifest)
        assert rows(db) == expected, name
        assert [p[:6] for p in profile_rows(db)] == [p[:6] for p in profile_rows(together)], name
    # run 1 alone learned from 5 articles: its profile lacked the lines only later pages show
    alone = rows(clean_runs(tmp_path, "first_only", [first], manifest))
    assert profile_rows(tmp_path / "first_only.db")[0][2] == 5
    assert alone["a0.html"] == expected["a0.html"]


def test_a_run_with_few_new_pages_keeps_and_extends_the_profile(tmp_path):
    names, manifest = write_corpus(tmp_path / "site")
    folder = tmp_path / "site"
    late = [folder / "a5.html", folder / "pick.html"]
    db = clean_runs(tmp_path, "grown", [[folder / n for n in names if folder / n not in late]], manifest)
    assert profile_rows(db)[0][2] == 6
    before = rows(db)
    clean_runs(tmp_path, "grown", [late], manifest)  # 2 new pages: below the minimum alone
    (profile,) = profile_rows(db)
    assert profile[2] == 8  # learned from the 6 articles kept and the 2 new ones
    full = rows(clean(tmp_path, "full", [folder], manifest))
    assert rows(db) == full and [profile[:6]] == [p[:6] for p in profile_rows(tmp_path / "full.db")]
    assert full["pick.html"] == (paragraphs(PICKED[1], 6), "generic/1 +profile")
    assert {n: r for n, r in rows(db).items() if n in before} == before


MORE_STORIES = [
    ("乐队巡演", "这支摇滚乐队宣布将在今年秋天开启全国巡演，首站定在成都，门票下周一开始预售。"),
    ("纪录片上映", "一部讲述长江源头生态保护的纪录片本周在全国院线上映，拍摄历时整整三年时间。"),
    ("歌剧首演", "原创歌剧在国家大剧院完成首演，作曲家用了五年时间打磨这部作品的每一段唱腔。"),
    ("选秀决赛", "选秀节目的总决赛将于周六晚举行，六位选手将以现场投票的方式决出最后的冠军。"),
    ("动画电影", "国产动画电影上映首周票房突破两亿元，片方表示续集的剧本已经进入创作阶段。"),
]


def test_a_line_a_later_run_shows_to_be_body_text_comes_back_on_earlier_pages(tmp_path):
    _, manifest = write_corpus(tmp_path / "site")
    folder = tmp_path / "site"
    lines = manifest.read_text(encoding="utf-8")
    for i, (title, lead) in enumerate(MORE_STORIES):  # five more articles printing it in their body
        body = [lead, lead[::-1], lead[10:] + lead[:10], lead[20:] + lead[:20]]  # no shared phrasing
        (folder / f"m{i}.html").write_text(template_page(title, body, True), "utf-8")
        lines += json.dumps({"path": f"m{i}.html", "url": f"http://{HOST}/09/0428/m{i}.html"}) + "\n"
    manifest.write_text(lines, encoding="utf-8")
    first = [folder / n for n in ("a0.html", "a2.html", "a3.html", "a4.html", "a5.html")]
    second = [folder / f"m{i}.html" for i in range(5)]
    db = clean_runs(tmp_path, "parts", [first], manifest)
    assert PROMO in json.loads(profile_rows(db)[0][3])  # outside the body on 4 articles of 5
    assert PROMO not in rows(db)["a0.html"][0]
    clean_runs(tmp_path, "parts", [second], manifest)  # inside the body on 6 articles of 10 now
    assert PROMO not in json.loads(profile_rows(db)[0][3])
    together = clean_runs(tmp_path, "together", [first + second], manifest)
    assert rows(db) == rows(together) and PROMO in rows(db)["a0.html"][0]  # read again: back


def test_a_profile_learned_before_samples_were_kept_stays_until_they_catch_up(tmp_path):
    names, manifest = write_corpus(tmp_path / "site")
    folder = tmp_path / "site"
    late = [folder / "a5.html", folder / "pick.html"]
    db = clean_runs(tmp_path, "old", [[folder / n for n in names if folder / n not in late]], manifest)
    con = sqlite3.connect(db)  # as schema 2 left it: no kept samples, no `sampled` column
    con.executescript(
        "drop table profile_samples; alter table site_profiles drop column sampled; pragma user_version = 2"
    )
    con.close()
    clean_runs(tmp_path, "old", [late], manifest)  # 2 kept samples: the stored profile stays
    assert [p[2:3] + p[-1:] for p in profile_rows(db)] == [(6, 0)]
    assert rows(db)["pick.html"] == (paragraphs(PICKED[1], 6), "generic/1 +profile")  # applied
    assert sqlite3.connect(db).execute("pragma user_version").fetchone()[0] == 3
    done = invoke("reclean", "--db", db, "--site", HOST)  # learns from every stored page
    assert done.exit_code == 0, done.output
    assert [p[2:3] + p[-1:] for p in profile_rows(db)] == [(8, 1)]


def test_below_the_minimum_nothing_changes(tmp_path):
    _, manifest = write_corpus(tmp_path / "site")
    few = [tmp_path / "site" / n for n in ("a0.html", "a1.html", "a2.html", "a3.html")]
    db = clean(tmp_path, "few", few, manifest)
    assert profile_rows(db) == []
    assert PROMO in rows(db)["a0.html"][0]


def test_sites_learned_lists_and_shows_a_profile(tmp_path):
    _, manifest = write_corpus(tmp_path / "site")
    db = clean(tmp_path, "shown", [tmp_path / "site"], manifest)
    listed = invoke("sites", "--learned", "--db", db)
    assert listed.exit_code == 0 and HOST in listed.output and "div#endText" in listed.output
    shown = invoke("sites", "--learned", "--db", db, HOST)
    assert shown.exit_code == 0 and PROMO in shown.output and "8 distinct articles" in shown.output
    missing = invoke("sites", "--learned", "--db", db, "other.example.com")
    assert missing.exit_code == 1 and "no learned site profile for other.example.com" in missing.output


DISCLAIMER = "本网站所刊登的各种新闻、信息，仅供读者参考，请勿用于商业用途。"


def text_rendering(i: int, title: str, lead: str) -> str:
    """A saved text rendering of one of the site's articles."""
    body = "\n\n".join(paragraphs(lead, i))
    return (
        f"新闻中心 > 娱乐 > 正文\n\n{title}\n\n2020-03-1{i} 17:00:58   来源:示例网\n\n{body}\n\n{DISCLAIMER}\n\n"
        "推荐阅读\n\n网站简介 | 版权声明 | 广告服务 | 联系方式 | 网站地图\n\n"
        "Copyright © 2012 example.cn Corporation,All Rights Reserved\n\n示例网络 版权所有\n"
    )


def test_text_renderings_lose_their_site_lines(tmp_path):
    folder = tmp_path / "text"
    folder.mkdir()
    for i, (title, lead) in enumerate(STORIES):
        (folder / f"t{i}.txt").write_text(text_rendering(i, title, lead), encoding="utf-8")
    manifest = folder / "manifest.jsonl"
    manifest.write_text(
        "".join(
            json.dumps({"path": f"t{i}.txt", "url": f"http://news.example.cn/{i}.html"}) + "\n"
            for i in range(6)
        ),
        encoding="utf-8",
    )
    alone = rows(clean(tmp_path, "alone", [folder], manifest, "--no-profiles"))
    learned = rows(clean(tmp_path, "learned", [folder], manifest))
    assert all(DISCLAIMER in alone[f"t{i}.txt"][0] for i in range(6))
    for i in range(6):
        body, extractor = learned[f"t{i}.txt"]
        assert body == [line for line in alone[f"t{i}.txt"][0] if line != DISCLAIMER]
        assert extractor == "generic/1 +profile"


def sample(story: str, outside: set[str], inside: set[str] = frozenset()) -> PageSample:
    return PageSample(HOST, "html", story, frozenset(outside), frozenset(inside))


def test_only_distinct_articles_make_a_template_line():
    nav = {"首页", "新闻", "娱乐"}
    copies = [sample("story 1", nav | {"转载的一段话"}) for _ in range(6)]
    others = [sample(f"story {i}", nav) for i in range(2, 6)]
    profile = learn(HOST, "html", copies + others)
    assert profile is not None and profile.pages == 5
    assert profile.lines == frozenset(nav)  # six copies of one story are one article
    # a line inside the body on most of its pages is never template
    inside = [sample(f"story {i}", nav, {"本报讯"}) for i in range(4)] + [sample("story 9", nav | {"本报讯"})]
    assert "本报讯" not in learn(HOST, "html", inside).lines
    assert learn(HOST, "html", others) is None  # four distinct articles: no profile


def test_self_check_takes_the_profile_location_when_it_holds_the_story():
    story = "".join(f"<p>{p}</p>" for p in paragraphs(STORIES[1][1], 1))
    box = "<p>网友热评：这部电影值得一看，期待更多好作品，希望明年还能看到这样的电影节。</p>" * 2
    doc = parse_html(
        f"<html><body><h1>电影节开幕</h1><div id='endText'>{story}</div><div class='review'>{box}</div></body></html>"
    )
    walk = walk_page(doc, doc.body)
    review = doc.find_class("review")[0]
    own = BodyChoice([line for line in walk.lines if "网友" in line], "container", element=review)
    checked = check_with_profile(walk, own, frozenset({"div#endText"}))
    assert checked.reader == PROFILE and checked.lines[0].startswith("第十届电影节")
    # a profile location the page lacks changes nothing
    assert check_with_profile(walk, own, frozenset({"div#main"})) is own


def test_reclean_learns_from_stored_raw_pages(tmp_path):
    from newsclean.db.fetchstore import open_fetch_db, save_raw_page

    names, _ = write_corpus(tmp_path / "site")
    db_path = tmp_path / "fetched.db"
    db = open_fetch_db(db_path)
    with db.atomic():
        for name in names:  # as `fetch` stores them: the raw response, the article not yet extracted
            url = f"http://{HOST}/09/0428/{name}"
            body = (tmp_path / "site" / name).read_bytes()
            save_raw_page(
                db,
                url=url,
                final_url=url,
                site="",
                status=200,
                headers={},
                encoding="utf-8",
                body=body,
                article_key=None,
                error=None,
            )
    db.conn.close()
    alone = invoke("reclean", "--db", db_path, "--no-profiles")
    assert alone.exit_code == 0, alone.output
    before = rows_by_url(db_path)
    assert profile_rows(db_path) == [] and PROMO in before["a0.html"][0]
    learned = invoke("reclean", "--db", db_path)
    assert learned.exit_code == 0, learned.output
    (profile,) = profile_rows(db_path)
    assert profile[:3] == (HOST, "html", 8)
    found = rows_by_url(db_path)
    assert found["a0.html"] == (before["a0.html"][0][:-1], "generic/1 +profile")
    assert all(PROMO not in found[n][0] for n in names if n != "odd.html")
    assert PROMO in found["odd.html"][0]
    assert found["pick.html"] == (paragraphs(PICKED[1], 6), "generic/1 +profile")  # extracted again


def rows_by_url(db) -> dict[str, tuple]:
    """The stored articles by the last part of their URL: body lines, extractor."""
    found = sqlite3.connect(db).execute("select url, body, extractor from articles").fetchall()
    return {url.rsplit("/", 1)[-1]: (body.split("\n"), extractor) for url, body, extractor in found}


def test_reclean_site_host_applies_a_profile_to_the_files_clean_stored(tmp_path):
    _, manifest = write_corpus(tmp_path / "site")
    db = clean(tmp_path, "alone", [tmp_path / "site"], manifest, "--no-profiles")
    before = rows(db)
    assert profile_rows(db) == [] and PROMO in before["a0.html"][0]
    other = invoke("reclean", "--db", db, "--site", "other.example.org")
    assert other.exit_code == 0 and rows(db) == before  # another host: nothing read, nothing learned
    assert invoke("reclean", "--db", db, "--site", "nosuch").exit_code == 2
    done = invoke("reclean", "--db", db, "--site", "example.com")  # a domain: its hosts' pages
    assert done.exit_code == 0, done.output
    assert "11 stored pages re-cleaned" in done.output
    (profile,) = profile_rows(db)
    assert profile[:3] == (HOST, "html", 8)
    learned = rows(db)
    assert learned["a0.html"] == (before["a0.html"][0][:-1], "generic/1 +profile")
    assert learned["pick.html"] == (paragraphs(PICKED[1], 6), "generic/1 +profile")  # read again
    assert learned["odd.html"] == before["odd.html"]
    assert learned == rows(clean(tmp_path, "profiled", [tmp_path / "site"], manifest))


def test_learning_keeps_a_bounded_sample_of_a_large_host_the_same_however_the_runs_split(
    tmp_path, monkeypatch
):
    from newsclean.db.writable import CorpusDatabase
    from newsclean.ingest import profiling
    from newsclean.ingest.profiling import Learner, Seen

    monkeypatch.setattr(profiling, "MAX_LEARNED_ARTICLES", 20)
    nav = {"首页", "新闻", "娱乐", "体育"}
    seen = [(f"p{i:03d}.html", Seen(sample("", nav | {f"第{i}条"}), f"fp{i % 60}", None)) for i in range(120)]
    chosen = []
    for runs in ([seen], [seen[:30], seen[30:]], [seen[::-1][:90], seen[::-1][90:]]):
        db = CorpusDatabase(tmp_path / f"split{len(chosen)}.db")
        for run in runs:
            learner = Learner()  # its samples go to a temporary database, then to the corpus's
            for name, one in run:
                learner.keep(name, one)
            learner.keep_run_samples(db)
            learner.close()
        samples = Learner().group_samples(db, HOST, "html")
        chosen.append(sorted(s.story for s in samples))
    assert len(set(chosen[0])) == 20 and chosen[0] == chosen[1] == chosen[2]  # 60 articles: the same 20
    assert len(chosen[0]) == 40  # two pages of each of the 20 articles kept
    assert learn(HOST, "html", samples).lines == frozenset(nav)


def test_a_body_line_linking_to_another_article_of_the_host_goes(tmp_path):
    """Related reading printed inside the body container, as the channel's 2006 template does
    (`<a>` headlines of its other articles under the story, some after a label such as 试听：):
    a line that is only such a link, to a URL shaped like the host's articles', is dropped;
    a link to a section page (no digit in its path) or to another host stays."""
    _, manifest = write_corpus(tmp_path / "site")
    page = tmp_path / "site" / "a3.html"
    related = "另一位歌手的新专辑也将在下月发行(图)"
    labelled = "试听：新歌《春天里的故事》"
    links = (
        f"<p><a href='/09/0427/r9.html'>{related}</a></p>"
        "<p>试听：<a href='/09/0426/r8.html'>新歌《春天里的故事》</a></p>"
        "<p><a href='/special/stars.html'>明星资料库专题页面汇总</a></p>"
        "<p><a href='http://other.example.org/09/0427/1.html'>别家网站的一篇相关报道标题</a></p>"
    )
    html = page.read_text(encoding="utf-8").replace(
        "</div><div class='count'>", f"{links}</div><div class='count'>"
    )
    page.write_text(html, encoding="utf-8")
    alone = rows(clean(tmp_path, "alone", [tmp_path / "site"], manifest, "--no-profiles"))["a3.html"]
    db = clean(tmp_path, "learned", [tmp_path / "site"], manifest)
    assert related in alone[0] and labelled in alone[0]
    assert "明星资料库专题页面汇总" in alone[0] and "别家网站的一篇相关报道标题" in alone[0]
    assert rows(db)["a3.html"] == (
        [line for line in alone[0] if line not in (related, labelled)],
        "generic/1 +profile",
    )
    assert json.loads(profile_rows(db)[0][7]) == ["html0"]  # the shape of the host's article URLs


def test_lines_differing_only_in_their_numbers_are_one_template_line():
    """A pager or a counter changes from page to page (`<<上一页1 2 3下一页>>` on ifeng.com's
    2010 article pages, `已有12位网友发表了看法` on 163.com's): one line for the profile. A
    sentence keeps its figures: a daily series' closing line is never learned as template."""
    nav = short_lines(["首页", "新闻", "娱乐"])
    pagers = [
        sample(f"story {i}", nav | short_lines([f"<<上一页1 {' '.join(map(str, range(2, i + 3)))}下一页>>"]))
        for i in range(5)
    ]
    assert norm_line("<<上一页1 2 3 4下一页>>") in learn(HOST, "html", pagers).lines
    daily = [
        sample(f"story {i}", nav | short_lines([f"截至发稿，全市累计报告{i * 3 + 1}例。"])) for i in range(5)
    ]
    assert learn(HOST, "html", daily).lines == nav


def serve_corpus(server, folder, names) -> list[str]:
    """Serve the corpus's pages on a local server (as its host's pages); their URLs, in order."""
    for name in names:
        server.set(f"/09/0428/{name}", (folder / name).read_bytes(), content_type="text/html; charset=utf-8")
    return [server.url(f"/09/0428/{name}") for name in names]


def fetch_urls(db_path, server, urls, *, profiles: bool = True) -> None:
    """One `fetch --urls` run over the local server, in process."""
    from newsclean.db.fetchstore import open_fetch_db
    from newsclean.ingest.crawl import Crawler, CrawlOptions
    from newsclean.ingest.fetcher import FetchConfig, Fetcher

    db = open_fetch_db(db_path)
    fetcher = Fetcher(FetchConfig(delay=0.0, max_tries=1, mirrors=(server.origin,)))
    try:
        Crawler(db, fetcher, CrawlOptions(), profiles=profiles).run_urls(urls, [])
    finally:
        fetcher.close()
        db.close()


def articles_by_url(db) -> dict[str, tuple]:
    """The stored articles by URL: title, date, body, extractor."""
    sql = "select url, title, published_at, body, extractor from articles"
    return {url: rest for url, *rest in sqlite3.connect(db).execute(sql).fetchall()}


def clean_served_copies(tmp_path, folder, names, urls):
    """The saved copies cleaned by one `clean` run, each with the URL it was fetched from."""
    manifest = folder / "served.jsonl"
    manifest.write_text(
        "".join(json.dumps({"path": n, "url": u}) + "\n" for n, u in zip(names, urls)), encoding="utf-8"
    )
    return clean(tmp_path, "cleaned", [folder], manifest, "--jobs", "1")


def test_fetch_learns_as_clean_does_however_the_runs_split(tmp_path):
    from sites_mirror.server import MirrorServer

    folder = tmp_path / "site"
    names, _ = write_corpus(folder)
    with MirrorServer() as server:
        urls = serve_corpus(server, folder, names)
        cleaned = clean_served_copies(tmp_path, folder, names, urls)
        expected = articles_by_url(cleaned)
        (profile,) = [p[:6] for p in profile_rows(cleaned)]
        assert profile[:3] == ("127.0.0.1", "html", 8)
        once = tmp_path / "once.db"
        fetch_urls(once, server, urls)
        assert articles_by_url(once) == expected and [p[:6] for p in profile_rows(once)] == [profile]
        # the first part alone learns a smaller profile: the second run's brings its pages in line
        first = [
            u
            for u in urls
            if u.rsplit("/", 1)[-1] in ("a0.html", "a1.html", "a2.html", "a3.html", "a4.html", "r0.html")
        ]
        split = tmp_path / "split.db"
        fetch_urls(split, server, first)
        assert profile_rows(split)[0][2] == 5
        fetch_urls(split, server, [u for u in urls if u not in first][::-1])
        assert articles_by_url(split) == expected and [p[:6] for p in profile_rows(split)] == [profile]
        alone = tmp_path / "alone.db"
        fetch_urls(alone, server, urls, profiles=False)
    by_name = {url.rsplit("/", 1)[-1]: row for url, row in articles_by_url(alone).items()}
    assert profile_rows(alone) == [] and PROMO in by_name["a0.html"][2]
    learned = {url.rsplit("/", 1)[-1]: row for url, row in expected.items()}
    assert PROMO not in learned["a0.html"][2] and learned["a0.html"][3] == "generic/1 +profile"


def test_an_interrupted_fetch_learns_from_the_pages_it_stored(tmp_path):
    import pytest
    from sites_mirror.server import MirrorServer

    folder = tmp_path / "site"
    names, _ = write_corpus(folder)

    def interrupted(urls):
        yield from urls
        raise KeyboardInterrupt  # Ctrl-C once every page is stored

    with MirrorServer() as server:
        urls = serve_corpus(server, folder, names)
        cleaned = clean_served_copies(tmp_path, folder, names, urls)
        db = tmp_path / "interrupted.db"
        with pytest.raises(KeyboardInterrupt):
            fetch_urls(db, server, interrupted(urls))
    assert articles_by_url(db) == articles_by_url(cleaned)
    assert [p[:6] for p in profile_rows(db)] == [p[:6] for p in profile_rows(cleaned)]


def test_a_later_fetch_brings_the_pages_of_an_earlier_one_in_line(tmp_path):
    from sites_mirror.server import MirrorServer

    folder = tmp_path / "site"
    write_corpus(folder)
    for i, (title, lead) in enumerate(MORE_STORIES):  # five more articles printing PROMO in their body
        body = [lead, lead[::-1], lead[10:] + lead[:10], lead[20:] + lead[:20]]
        (folder / f"m{i}.html").write_text(template_page(title, body, True), "utf-8")
    first = ["a0.html", "a2.html", "a3.html", "a4.html", "a5.html"]
    names = first + [f"m{i}.html" for i in range(5)]
    with MirrorServer() as server:
        urls = serve_corpus(server, folder, names)
        db = tmp_path / "parts.db"
        fetch_urls(db, server, urls[:5])
        assert PROMO in json.loads(profile_rows(db)[0][3])  # outside the body on 4 articles of 5
        assert PROMO not in articles_by_url(db)[urls[0]][2]
        fetch_urls(db, server, urls[5:])  # inside the body on 6 articles of 10 now
    assert PROMO not in json.loads(profile_rows(db)[0][3])
    (folder / "odd.html").unlink()  # clean only the fetched pages
    for name in ("a1.html", "r0.html", "r1.html", "r2.html", "pick.html"):
        (folder / name).unlink()
    cleaned = clean_served_copies(tmp_path, folder, names, urls)
    assert articles_by_url(db) == articles_by_url(cleaned) and PROMO in articles_by_url(db)[urls[0]][2]
    assert [p[:6] for p in profile_rows(db)] == [p[:6] for p in profile_rows(cleaned)]


def test_fetch_no_profiles_extracts_each_page_alone(tmp_path):
    from sites_mirror.server import MirrorServer

    folder = tmp_path / "site"
    names, _ = write_corpus(folder)
    with MirrorServer() as server:
        listed = tmp_path / "urls.txt"
        listed.write_text("\n".join(serve_corpus(server, folder, names)) + "\n", encoding="utf-8")
        found = {}
        for name, options in (("alone", ["--no-profiles"]), ("learned", [])):
            db = tmp_path / f"{name}.db"
            result = invoke("fetch", "--urls", listed, "--delay", "0", "--db", db, *options)
            assert result.exit_code == 0, result.output
            found[name] = {url.rsplit("/", 1)[-1]: row for url, row in articles_by_url(db).items()}
    assert profile_rows(tmp_path / "alone.db") == [] and PROMO in found["alone"]["a0.html"][2]
    assert [p[:3] for p in profile_rows(tmp_path / "learned.db")] == [("127.0.0.1", "html", 8)]
    assert PROMO not in found["learned"]["a0.html"][2]
