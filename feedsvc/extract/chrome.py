"""Byline lines around an article: author, source and editor.

Chinese portals write these as text (``日期: 2023-05-18 来源:新华社 编辑:张三``)
rather than markup, so most of the work is on text lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Byline",
    "find_byline",
    "find_lead_reporter",
    "find_name_under_heading",
    "find_trailing_credit",
    "is_news_lead",
]


@dataclass(frozen=True)
class Byline:
    author: str | None = None
    source: str | None = None
    editor: str | None = None  # 编辑/责任编辑: only a fallback for the author


# Labels that end the value of the previous field on the same line.
_ANY_LABEL = re.compile(
    r"(?:收集编辑|责任编辑|责编|编辑|审核|审校|校对|终审|来源|稿源|出处|发文机关|作者|执笔人|执笔|撰文|撰稿"
    r"|记者|通讯员|摄影"
    r"|日期|发布时间|发布日期|发表时间|时间|更新时间|点击|点击数|点击量|浏览|浏览量|阅读|阅读量|字号|字体"
    r"|打印|分享|关闭|评论|【|\[)\s*[:：]?"
)
# 发文机关: the issuing body of a government document, its source in feed terms.
_SOURCE = re.compile(
    r"(?:信息来源|文章来源|新闻来源|稿件来源|来源|稿源|出处|发文机关)\s*[:：]\s*(?P<v>.+)"
)
_AUTHOR = re.compile(
    r"(?:(?:作者|执笔人|执笔|撰文|撰稿)\s*[:：]|(?<![\u4e00-\u9fff])文\s*[/／|丨])\s*(?P<v>.+)"
)
# A label alone on its line, its value on the next: table cells such as "发文机关：|吉林省…".
_LONE_LABEL = re.compile(r"^\s*(?:[\u4e00-\u9fff]\s*){2,4}[:：]\s*$")
# "[ 黄宇 ] 来源：[ 国际金融报 ]": a bracketed name just before the source label.
_NAME_BEFORE_SOURCE = re.compile(
    r"[\[【]\s*(?P<v>[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4}){0,3})\s*[\]】]"
    r"\W{0,3}(?:信息来源|文章来源|来源|稿源)\s*[:：]"
)
# Roles that stand right before a person at the start of a credit ("文/观察者网专栏作者 王文"),
# and the posts a longer credit may list before the name.
_LEAD_ROLES = ("作者", "记者", "评论员", "撰稿人", "研究员")
_ROLE_WORDS = (
    *_LEAD_ROLES, "教授", "讲师", "博士", "主任", "部长", "院长", "所长", "主编", "总编",
    "分析师", "经济学家", "专家", "学者", "会长", "理事长",
)  # fmt: skip
_ROLE_THEN_NAME = re.compile(
    rf"^[^\s:：]{{0,12}}?(?:{'|'.join(_LEAD_ROLES)})\s*(?P<n>[\u4e00-\u9fff·]{{2,4}})"
    r"(?![\u4e00-\u9fff])"
)
# Roles first and the person last, however long the roles: "作者：中国国际经济交流中心
# 世界经济研究部部长，“一带一路”研究部部长、研究员徐占忱）" (the name closes the value).
_ROLES_THEN_NAME_AT_END = re.compile(
    rf"(?:{'|'.join(_ROLE_WORDS)})\s*(?P<n>[\u4e00-\u9fff·]{{2,4}})(?:\s*[)）】\]]|\s|$)"
)
# Forum and blog posts: "ggjjzhzz 发表于 2005-9-15 11:46:00".
_POSTED_BY = re.compile(
    r"^(?P<v>[\w\u4e00-\u9fff·.-]{2,20})\s*(?:发表于|发布于|发表在)\s*[:：]?\s*\d"
)
# "记者" must be followed by a separator: "记者注意到…" is prose, "记者 张三" a byline.
_REPORTER = re.compile(r"记者(?:[\s:：]+(?P<v>.+)|(?P<short>[\u4e00-\u9fff]{2,3})$)")
_EDITOR = re.compile(r"(?:责任编辑|责编|编辑)\s*[:：]\s*(?P<v>.+)")
# The label in any case ("BY", "by", "Posted by"), the name words capitalised: "By Jane Doe
# Harbour reporter" names Jane Doe, the role after her is lower case.
_BY = re.compile(
    r"^(?i:(?:written|posted)\s+)?(?i:by)\s*[:]?\s+(?P<v>[A-Z][\w.'’-]*"
    r"(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von|der|la|le))*)"
)
# The wire or paper after the name: "By Jane Doe | Reuters", "By Jane Doe · The Associated
# Press". Capitalised words up to the line's end; a role or a time is no outlet.
_BY_OUTLET = re.compile(
    r"\s*[|｜•·–—]\s*(?P<v>[A-Z][\w.&'’-]*(?:\s+(?:[A-Z][\w.&'’-]*|of|and|&)){0,4})\s*$"
)
_BY_COMMA_OUTLET = re.compile(
    r"\s*,\s*(?P<v>[A-Z][\w.&'’-]*(?:\s+(?:[A-Z][\w.&'’-]*|of|and|&)){0,4})\s*$"
)
_NOT_AN_OUTLET = re.compile(
    r"\b(?:staff|writer|reporter|correspondent|editor|contributor|contributing|columnist"
    r"|photographer|senior|chief|updated|published|posted|read|min|minutes?|hours?|ago"
    r"|opinion|analysis|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\b",
    re.I,
)
# A sentence that a hard-wrapped line happens to start with "by": "by Turkey for
# convenience sake. The third I sometimes carried…": a function word after the name means
# the sentence goes on.
_PROSE_GOES_ON = re.compile(
    r"\s+(?:for|to|the|of|in|on|at|with|was|were|is|are|who|which|that|as|from|his|her"
    r"|their|its|had|has|have|would|will|could|should|into|than|when|while)\b"
)
# French/Spanish/Portuguese/German bylines ("Par Jean Dupont", "Por Ana Pérez y Luis Gil",
# "Von Max Muster"). Case matters here, unlike "By": "Von Berlin aus …" is prose, so every
# word must be a capitalised name or a particle, up to the line's end or a separator.
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w.'’-]*"
_FOREIGN_BY = re.compile(
    rf"^(?:Par|Por|Von)\s+(?P<v>{_NAME_WORD}(?:(?:,\s*|\s+)"
    rf"(?:{_NAME_WORD}|y|e|et|und|de|da|do|dos|del|van|von|der|la|le))*)"
    r"\s*(?:$|[|•·–—]|\d)"
)
_DATE_START = re.compile(r"\d{4}\s*[-/.年]|\d{1,2}\s*[-/月]\d|\d{1,2}:\d{2}")
_VALUE_STOP = re.compile(r"[|｜丨【】\[\]()（）<>《》,，。;；!！?？]|\s{2,}")
_NAME_CHARS = re.compile(r"^[\w\u00c0-\u024f\u4e00-\u9fff·•.'’&\- ]+$")
_MAX_VALUE = 40


def _cut(value: str) -> str:
    """The field value up to the next label, date or punctuation."""
    end = len(value)
    for pattern in (_ANY_LABEL, _DATE_START, _VALUE_STOP):
        m = pattern.search(value)
        if m and m.start() < end:
            end = m.start()
    return value[:end].strip(" :：-—/·")


def _plausible(value: str) -> bool:
    return 0 < len(value) <= _MAX_VALUE and _NAME_CHARS.match(value) is not None


_OTHER_CREDITS = frozenset(["实习生", "通讯员", "见习记者", "摄影", "摄影记者", "摄像", "编辑"])


def _reporter_names(value: str) -> str | None:
    # "记者 张三 李四 报道": keep the short name tokens, stop at the first non-name word.
    names: list[str] = []
    for token in re.split(r"[\s、，,/]+", _cut(value)):
        if not token:
            continue
        if token in _OTHER_CREDITS:
            break  # "记者 王小明 实习生 李华": the intern is credited, not the reporter
        if re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", token) and not token.endswith(("报道", "摄")):
            names.append(token)
            continue
        # "…中国记者 中国名牌 中国传媒科技 环球…" is a row of links to publications: a long
        # word after the "names" that is no dateline or credit ("北京报道", "摄") ends none.
        if re.fullmatch(r"[\u4e00-\u9fff]{5,}", token) and not token.endswith(
            ("报道", "摄", "电", "讯")
        ):
            return None
        break
    return " ".join(names) or None


# Chinese news leads name their reporters: "潍坊日报讯（记者 杨秀英 通讯员 胡强）日前，…".
_LEAD_REPORTER = re.compile(
    r"^.{0,30}?(?:讯|电|报道|消息)\s*[（(]\s*记者\s*(?P<v>[^）)]{2,40})[）)]"
)


def is_news_lead(line: str) -> bool:
    """Whether the line opens a news story naming its reporter ("本报讯（记者 X）…"). Only
    the body's own first lines are the page's; elsewhere it is a teaser of another story."""
    return _LEAD_REPORTER.match(line.strip()) is not None


def find_lead_reporter(lines: Sequence[str]) -> str | None:
    """The reporter named in a news lead, before any 通讯员 (correspondents are not authors)."""
    for line in lines:
        m = _LEAD_REPORTER.match(line.strip())
        if m:
            return _reporter_names(re.split(r"通讯员|实习生|摄影", m["v"])[0])
    return None


# Chinese news often signs off at the end of the body: "…的决心。（常书香 马丹阳）",
# "…利益再分配的过程吗？”（姚峰 上海报道）".
_TRAILING_CREDIT = re.compile(
    r"[。！？”\"」][\s]*[（(]\s*(?:记者\s*)?(?P<v>[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4}){0,4})"
    r"(?:\s*[\u4e00-\u9fff]{2,3}报道)?\s*[)）]\s*$"
)
# Outlets and roles, not people: "（新华社）", "（本报记者）", "（完）".
_NOT_A_PERSON = re.compile(
    r"(?:社|网|报|台|部|局|处|厅|委|办|中心|记者|编辑|通讯员|供图|完|图|摄|稿)$"
)


def find_trailing_credit(text: str) -> str | None:
    """The names in a parenthesised sign-off at the very end of an article's text."""
    m = _TRAILING_CREDIT.search(text[-80:])
    if m is None:
        return None
    names = [n for n in m["v"].split() if not n.endswith("报道")]  # "上海报道": a dateline
    if not names or any(_NOT_A_PERSON.search(name) for name in names):
        return None
    return " ".join(names)


# Words that stand alone under a heading but are not names.
_NOT_A_NAME_WORDS = (
    "导读 导语 摘要 提要 前言 引言 正文 简介 概述 视频 图片 图集 组图 专题",
    "资料 附件 附录 目录 上篇 下篇 全文 原文 译文 背景 链接 点评 评论 声明",
    "公告 通知 说明 分享 打印 关闭 收藏 返回 首页 更多 登录 注册 点赞 举报",
    "推荐 相关 热门 最新 回复 留言 订阅 关注 下载 播放",
    # A dateline city alone on its line.
    "北京 上海 天津 重庆 香港 澳门 台北 广州 深圳 南京 武汉 成都 杭州 西安",
    "沈阳 长春 哈尔滨 济南 青岛 郑州 长沙 福州 厦门 南昌 合肥 昆明 贵阳 南宁",
    "海口 兰州 西宁 银川 拉萨 乌鲁木齐 呼和浩特 太原 石家庄",
    "华盛顿 纽约 伦敦 巴黎 东京 莫斯科 柏林",
)
_NOT_A_NAME = frozenset(word for line in _NOT_A_NAME_WORDS for word in line.split())
_HEADING_PUNCT = re.compile(r"[，。！？；,.!?;]")


def find_name_under_heading(lines: Sequence[str]) -> str | None:
    """Essays and reprints put the writer's name alone on the line under the headline
    ("犬儒病(上)" / "胡平" / text…). Only at the very start of the content, only a
    2–3 character Han name under a short heading line without sentence punctuation."""
    for i in (1, 2):
        if i + 1 >= len(lines):
            break
        name, heading = lines[i].strip(), lines[i - 1].strip()
        if not re.fullmatch(r"[\u4e00-\u9fff·]{2,3}", name) or name in _NOT_A_NAME:
            continue
        if _NOT_A_PERSON.search(name) or not 2 <= len(heading) <= 40:
            continue
        if not _HEADING_PUNCT.search(heading):
            return name
    return None


def find_byline(lines: Sequence[str]) -> Byline:
    """Author and source (来源) from byline-like lines, nearest the top first.

    来源 goes to ``source``; 作者 / 文/ / 记者 / English ``By NAME`` go to ``author``. Editors
    (编辑, 责任编辑) are neither.
    """
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    previous = ""
    for raw in lines:
        # A lone label's value is the next line: read the pair as one line.
        line = previous + raw if previous else raw
        previous = raw if _LONE_LABEL.match(raw) else ""
        if len(line) > 200 or previous:
            continue
        if editor is None:
            m = _EDITOR.search(line)
            if m:
                value = re.split(r"[\s_]", _cut(m["v"]))[0]
                editor = value if _plausible(value) else None
        if source is None:
            m = _SOURCE.search(line)
            if m:
                value = _cut(m["v"].lstrip(" [【"))  # "来源：[ 国际金融报 ]"
                if _plausible(value):
                    source = value
        if source is None:
            source = _outlet_after_by(line)
        if author is None:
            author = _author_in(line)
        if author is not None and source is not None and editor is not None:
            break
    return Byline(author, source, editor)


def _outlet_after_by(line: str) -> str | None:
    """The outlet an English byline names after its writer ("By Jane Doe | Reuters", "By
    JANE DOE, Reuters"; not a dateline in capitals: "By Jane Doe, LONDON")."""
    m = _BY.match(line) if len(line) <= 80 else None
    outlet = _BY_OUTLET.match(line, m.end()) if m else None
    if m and outlet is None:
        outlet = _BY_COMMA_OUTLET.match(line, m.end())
        if outlet is not None and outlet["v"].isupper():
            return None
    if outlet is None or _NOT_AN_OUTLET.search(outlet["v"]):
        return None
    return outlet["v"] if _plausible(outlet["v"]) else None


def _author_in(line: str) -> str | None:
    for pattern in (_NAME_BEFORE_SOURCE, _POSTED_BY):
        m = pattern.search(line)
        if m:
            return " ".join(m["v"].split())
    m = _AUTHOR.search(line)
    if m:
        # "文/观察者网专栏作者 王文": the outlet and role come first, the person last.
        role = _ROLE_THEN_NAME.match(m["v"]) or _ROLES_THEN_NAME_AT_END.search(m["v"])
        if role:
            return role["n"]
        value = " ".join(p for p in re.split(r"[\s、，,]+", _cut(m["v"])) if p)
        # "作者：中国国际经济交流中心世界经济研究部部长，…" names a post, not a person.
        if _plausible(value) and not value.endswith(_ROLE_WORDS):
            return value
    if len(line) <= 80:
        m = _REPORTER.search(line)
        if m:
            names = m["short"] or _reporter_names(m["v"])
            if names:
                return names
        m = _BY.match(line)
        # Bylines say "By"; a lower-case "by" starting a line may be a wrapped sentence.
        prose = line[:1] == "b" and _PROSE_GOES_ON.match(line[m.end() :]) if m else False
        if m and not prose:
            value = re.sub(r"\s+(?:and|&)$", "", m["v"].strip())
            if _plausible(value) and len(value.split()) <= 6:
                return value
        m = _FOREIGN_BY.match(line)
        if m:
            value = " ".join(m["v"].split())
            names = re.split(r",\s*|\s+(?:y|e|et|und)\s+", value)
            if all(_plausible(n) for n in names) and len(names) <= 4:
                return value
    return None
