"""Who wrote a page, as its markup and metadata say: bylines marked in the markup, author
metas, and the cleaning every credit gets before it reaches a feed (contact links, roles,
placeholders, "Edited by"). Bylines written as text are ``chrome``'s.
"""

from __future__ import annotations

import re

import lxml.html

from feedsvc.extract.dom import clean_text, text_of
from feedsvc.extract.listvocab import heading_penalty
from feedsvc.extract.metadata import PageMeta
from feedsvc.extract.titles import split_title
from feedsvc.htmltags import SIDE_TAGS

__all__ = [
    "clean_credit",
    "dom_author",
    "meta_author",
    "split_credits",
    "title_site_part",
    "usable_author",
]

_AUTHOR_META = (
    # Dublin Core is filled in deliberately where present; "author" is often a default.
    "dc:creator",
    "dc.creator",
    "dcterms.creator",
    "author",
    "article:author",
    "og:article:author",
    "byl",
    "sailthru.author",
    "parsely-author",
)

# Class tokens of a byline: "author", "byline", BEM/dashed forms such as "article__author",
# "post-byline" or "author-name"; commenters ("comment-author") are not the writer.
_AUTHOR_CLASS = re.compile(r"^(?:[\w-]*?(?:__|-|_))?(?:author|byline)(?:(?:__|-|_)name)?$", re.I)
# Containers whose bylines belong to other pieces: teaser lists, comment threads; for
# class-only marks also sidebars and footers (schema.org authors sit in a blog's aside).
_TEASER_TAGS = frozenset({"li"})
_BYLINE_EXTRA = 50  # characters of date and handle a byline item may hold besides names
_BYLINE_PREFIX = re.compile(r"^(?:by|posted by|written by|par|por|von)\s+", re.I)
# The follow button beside a columnist's name (澎湃号: "中国广州发布 关注").
_FOLLOW_BUTTON = re.compile(r"\s*[+＋]?\s*(?:加关注|关注|订阅|follow(?: author)?|subscribe)$", re.I)


def _author_classed(el: lxml.html.HtmlElement) -> bool:
    tokens = (el.get("class") or "").split()
    return any(
        _AUTHOR_CLASS.match(t) and "comment" not in t.lower() and not _AD_TOKEN.match(t)
        for t in tokens
    )


# An advertisement's advertiser ("<span class='ad-author'>高爆打金传奇</span><span>广告</span>").
_AD_TOKEN = re.compile(r"^(?:ad|ads|advert\w*)(?:[-_]|$)", re.I)


def _in_other_piece(el: lxml.html.HtmlElement, marked: bool) -> bool:
    own = len(text_of(el))
    for anc in el.iterancestors():
        if anc.tag == "body":  # body classes describe the page ("comments-open"), not a block
            break
        if not marked and anc.tag in SIDE_TAGS:
            return True
        # A list item holding more than the byline (a headline, a summary, a comment) is a
        # teaser or a comment; one holding only the name is a list of the article's authors.
        if anc.tag in _TEASER_TAGS and len(text_of(anc)) > 3 * own + _BYLINE_EXTRA:
            return True
        marks = f"{anc.get('class') or ''} {anc.get('id') or ''}".lower()
        if "comment" in marks:
            return True
    return False


def dom_author(root: lxml.html.HtmlElement) -> str | None:
    found: list[tuple[lxml.html.HtmlElement, bool]] = []
    for el in root.xpath(
        # Relative: from a template's region, only that region (``//`` is the document).
        ".//*[@itemprop='author'] | .//*[@rel='author']"
        " | .//*[contains(@class, 'author') or contains(@class, 'byline')"
        " or contains(@class, 'Author') or contains(@class, 'Byline')]"
    ):
        if not isinstance(el, lxml.html.HtmlElement) or el.tag == "meta":
            continue
        marked = el.get("itemprop") == "author" or "author" in (el.get("rel") or "").split()
        if marked or _author_classed(el):
            found.append((el, marked))
    # A byline box wraps the name and the writer's role: the innermost mark is the name.
    outer = {anc for el, _ in found for anc in el.iterancestors()}
    for el, marked in found:
        if el in outer or _in_other_piece(el, marked):
            continue
        name_el = el.find(".//*[@itemprop='name']")
        text = text_of(name_el if name_el is not None else el)
        text = _FOLLOW_BUTTON.sub("", _BYLINE_PREFIX.sub("", text)).strip()
        # A name starts with a capital in Latin script: "on Deadspin" is a venue credit.
        # A block label ("相关文章", "Related") under an author-classed box is not a name.
        if text[:1].islower() or heading_penalty(text) < 1.0:
            continue
        if 1 < len(text) <= 60 and not re.search(r"\d{4}|[:：]", text):
            return text
    return None


def usable_author(value: str | None, site_name: str | None) -> str | None:
    if not value:
        return None
    value = _CONTACT.sub("", clean_text(value)).strip()
    if value.startswith(("http://", "https://", "/")) or "@" in value:
        return None
    # CMS user ids and account handles, not names: "103553", "sina_mobile".
    if value.isdigit() or re.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)+", value):
        return None
    if site_name and value == site_name:
        return None
    # Templates that fill meta author with the site's keywords: "www.x.cn,某日报集团,某网".
    if len(re.findall(r"[,，]", value)) >= 2 or value.lower().startswith("www."):
        return None
    # Forum and CMS templates credit their own makers on every page.
    if _CMS_CREDIT.search(value):
        return None
    return value if len(value) <= 100 else None


_CHANNEL_WORD = 4


def _names_the_site(value: str, title_site: str) -> bool:
    """The author meta is the publisher named in ``<title>``'s site part: its brand at the
    start of a channel's name (meta author 网易 on 163.com pages titled "…_网易新闻"), or
    the same host name (CSDN.NET). A person's name equal to the part stays: blogs end
    their titles with the writer ("… | Eleanor Ainge Roy")."""
    if " " in value.strip():
        return False  # a person's full name ("Bradley M. Kuhn ( Brad )" ends a blog's title)
    v, s = value.strip().lower(), title_site.replace(" ", "").lower()
    if v == s:
        return re.fullmatch(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", v) is not None
    # the brand and a short channel word after it: 网易 + 新闻/财经/订阅
    return len(v) >= 2 and s.startswith(v) and len(s) - len(v) <= _CHANNEL_WORD


def title_site_part(root: lxml.html.HtmlElement) -> str | None:
    """The last part of a ``<title>`` of several parts, where pages name their site."""
    title_el = root.find(".//title")
    parts = split_title(clean_text(title_el.text_content())) if title_el is not None else []
    return parts[-1] if len(parts) > 1 else None


_CMS_CREDIT = re.compile(
    r"discuz|comsenz|phpwind|dedecms|织梦|帝国cms|empirecms|phpcms|powered by", re.I
)


def meta_author(meta: PageMeta, site_name: str | None, title_site: str | None) -> str | None:
    """The first author meta that names people; co-authors get a tag each and are kept in
    page order (";" between names written "Last, First")."""
    for key in _AUTHOR_META:
        names = [
            n
            for n in (usable_author(v, site_name) for v in meta.get_all(key))
            if n and not (title_site and _names_the_site(n, title_site))
        ]
        if names:
            return ("; " if any("," in n for n in names) else ", ").join(names)
    return None


# A writer's home page or mail address in parentheses: "Bradley M. Kuhn (http://ebb.org/bkuhn/)".
_CONTACT = re.compile(r"\s*[(<\[]\s*(?:https?://|mailto:|www\.|[\w.+-]+@)[^)>\]]*[)>\]]")
_EDITED_BY = re.compile(r"\s+(?:edited|reviewed|fact[- ]checked) by\s+", re.I)


# What CMSes print when nobody is named: not a person, not a source.
_PLACEHOLDERS = frozenset([
    "佚名", "未知", "不详", "匿名", "网络", "网络整理", "网友", "互联网", "转载", "转载文章",
    "系统管理员", "管理员", "本站", "本网", "admin", "administrator", "unknown", "anonymous",
])  # fmt: skip
# A credit's trailing role or platform label: "陈智 整合", "扬眼 企鹅号".
_TRAILING_ROLE = re.compile(
    r"(?:\s+(?:整合|整理|编译|综合|供稿|企鹅号|百家号|头条号|网易号|搜狐号))+$"
)
# Profile widgets glue counts to the name: "股市行情 总篇数919篇 暂无简介".
_PROFILE_TOKEN = re.compile(r"\d|简介|粉丝|篇|关注")


# A name in capitals, as bylines set it: two to five Latin words ("JANE DOE", "MARY-ANN
# O'NEIL AND JOHN ROE").
_SHOUTED_NAME = re.compile(r"[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]*){1,4}")


def clean_credit(value: str | None) -> str | None:
    if not value:
        return None
    value = _TRAILING_ROLE.sub("", value).strip()
    if _SHOUTED_NAME.fullmatch(value):
        # "JANE DOE" → "Jane Doe"; one word alone may be an acronym (AFP) and stays.
        value = re.sub(r"\bAnd\b", "and", value.title())
    tokens = value.split()
    if len(tokens) > 1 and re.search(r"[\u4e00-\u9fff]", value):
        for i, token in enumerate(tokens[1:], start=1):
            if _PROFILE_TOKEN.search(token):
                value = " ".join(tokens[:i])
                break
    return None if not value or value.lower() in _PLACEHOLDERS else value


def split_credits(author: str | None) -> tuple[str | None, str | None]:
    """The writer without contact links, and the editor a byline names after "Edited by"
    ("Rob Ewaschuk Edited by Betsy Beyer")."""
    author = clean_credit(author)
    if not author:
        return None, None
    author = _CONTACT.sub("", author).strip()
    parts = _EDITED_BY.split(author, maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return parts[0].strip(), parts[1].strip()
    return author or None, None
