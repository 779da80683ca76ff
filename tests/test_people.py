"""People and source on pages of kinds the news readers miss: blog, Q&A and self-media pages,
Taiwanese bylines, staff codes after editors, widget words after a source.

Each page below is our own, written after a real layout named in its test.
"""

from __future__ import annotations

from newsclean.ingest.pipeline import extract_page

PARA = "今日,某市召开新闻发布会,介绍了今年以来的经济运行情况,各项指标稳中向好,发展质量持续提升。"


def page(body: str, title: str = "如何用Python写一个延迟调用") -> bytes:
    head = f"<meta charset='utf-8'><title>{title}</title>"
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_blog_author_card_beside_the_headline_is_the_author():
    # A CSDN/juejin-style post: the logged-in reader's bar above the headline, the author's
    # nickname in the info bar under it, commenters' names below the article.
    html = page(
        "<div class='toolbar-user'><a class='user-name'>月落长安</a></div>"
        "<h1 class='title-article'>如何用Python写一个延迟调用</h1>"
        "<div class='article-info'><a class='follow-nickName'>A-肖老师-树谷学院</a>"
        "<span class='time'>2024-05-06 15:47:53</span></div>"
        f"<div id='content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='comment-list'><a class='user-name'>许意墨:</a><p>写得好</p></div>"
    )
    art = extract_page(html)
    assert art.authors == ["A-肖老师-树谷学院"]


def test_self_media_account_beside_the_source_line_is_the_source():
    # A Baijiahao-style header: the account's name in `author-name`, beside the
    # `article-source` line with the post time; the account is the outlet, not a writer.
    html = page(
        "<div class='article-title'><h2>如何用Python写一个延迟调用</h2></div>"
        "<div class='author-txt'><p class='author-name'>加拿大必读</p>"
        "<div class='article-source'><span class='date'>发布时间：10-08</span>"
        "<span class='time'>12:00</span></div></div>"
        f"<div class='article-content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert art.authors == []
    assert art.source == "加拿大必读"


def test_wechat_writer_and_account_name():
    # A WeChat post: the writer in `js_author_name`, the account in `js_name`.
    html = page(
        "<h2 class='rich_media_title'>如何用Python写一个延迟调用</h2>"
        "<div class='rich_media_meta_list'><span class='rich_media_meta'>原创</span>"
        "<span class='rich_media_meta'><span id='js_author_name'>kingname</span></span>"
        "<span class='rich_media_meta rich_media_meta_nickname'><a id='js_name'>未闻Code</a></span>"
        "<em class='publish_time'>前天</em></div>"
        f"<div id='js_content'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    )
    art = extract_page(html)
    assert art.authors == ["kingname"]
    assert art.source == "未闻Code"


def test_author_card_after_related_posts_is_not_the_author():
    # A stock portal: a column's card (`article-author`) after the related posts names a
    # column, not the writer.
    html = page(
        "<div class='title-text'>如何用Python写一个延迟调用</div>"
        f"<div class='page-article'><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
        "<div class='related-posts'><a>另一篇文章的标题在这里</a></div>"
        "<div class='article-author'><a class='author-meta-name'>股市行情</a></div>"
    )
    assert extract_page(html).authors == []


def test_json_ld_person_and_script_nickname_and_posted_at_footer():
    # A douban note's JSON-LD author; a CSDN page naming the writer only in a script
    # variable; a cnblogs footer `posted @ DATE NAME`.
    body = f"<h1>如何用Python写一个延迟调用</h1><div><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>"
    ld = '<script type="application/ld+json">{"author": {"@type": "Person", "name": "私~川流"}}</script>'
    assert extract_page(page(body + ld)).authors == ["私~川流"]
    script = '<script>var nickName = "我有一些感想……";</script>'
    assert extract_page(page(body + script)).authors == ["我有一些感想……"]
    footer = "<div class='postDesc'>posted @ 2024-05-09 14:45 好看的hk 阅读(12) 评论(0)</div>"
    assert extract_page(page(body + footer)).authors == ["好看的hk"]


def test_editor_without_staff_code_or_bracket():
    # NetEase's `ep-source` line glues the CMS staff code to the editor's name; other pages
    # bracket the editor credit.
    body = f"<h1>如何用Python写一个延迟调用</h1><div><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p>"
    coded = body + "<p class='ep-source'>责任编辑：杨倩_NF4425</p></div>"
    assert extract_page(page(coded)).editor == "杨倩"
    bracketed = body + "<p>[责任编辑:罗崇纬]</p></div>"
    assert extract_page(page(bracketed)).editor == "罗崇纬"

