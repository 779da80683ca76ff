"""当代商报 (cjddsb.com) and its text renderings."""

from __future__ import annotations

from newsclean.extract.html import HtmlTemplate
from newsclean.sites.base import Adapter


class Ddsb(Adapter):
    """当代商报 article pages."""

    name = "ddsb"
    site_name = "当代商报"
    hosts = ("cjddsb.com",)
    fingerprints = (r"当代商报",)
    templates = (
        # www.cjddsb.com/<col>/<sub>/<id>.html (EmpireCMS, 2019–2020)
        HtmlTemplate(
            name="cjddsb 2019",
            body="div.entry-content div.single-content, div.single-content",
            title="h1.entry-h1, h1.entry-title",
            meta=("ul.spostinfo", "div.single-cat", ".entry-meta"),
            section="nav.breadcrumb, .breadcrumb",
            drop=(
                ".ad-pc",
                ".ad-site",
                ".ad-m",
                "#social",
                "#share",
                "#shang",
                ".pageLink",
                "#related-img",
                ".related",
                ".hxts",
                ".core-tip",
            ),
        ),
    )
    layouts = (
        "text rendering (title, source line, date, counter, 核心提示, body, 相关内容/热门资讯)",
        "HTML cjddsb.com 2019: h1.entry-h1, ul.spostinfo, div.entry-content > div.single-content",
    )

    # Fetching: start points and listing pages
    # EmpireCMS columns; later pages (index_2.html …) are followed through the 下一页 link.
    start_points = tuple(f"http://www.cjddsb.com/{col}/" for col in ("news", "ym", "shuo"))
    article_paths = (r"(?:/[a-z0-9]+){1,2}/\d+\.html",)  # /news/sd/561247.html (ids grow site-wide)
