"""Page-chrome vocabulary around link blocks, Chinese and English.

A short label that introduces a block of links tells what the block is: 相关阅读, 热门文章,
24小时热门, 点击排行, 猜你喜欢, 友情链接, "Related", "Popular", "Recent posts"… are not the
page's own list. 最新/热点 labels are weaker evidence: some sites title their main list
最新动态, so they cost less.
"""

from __future__ import annotations

import re

__all__ = ["heading_penalty"]

_PREFIX = r"^[\W_]*(?:\d+\s*小时|24h|今日|本周|本月|一周|全站|本站|编辑)?\s*"
_SUFFIX = (
    r"\s*(?:文章|新闻|资讯|阅读|内容|报道|图文|视频|推荐|排行|排行榜|榜|专题|链接|posts?|articles?"
    r"|stories|news|reads?|content)?\s*[:：>»›]*\s*(?:更多|more)?\s*[>»›]*[\W_]*$"
)
_STRONG_WORDS = (
    "相关|相关阅读|延伸阅读|推荐阅读|热门|热读|热搜|精彩推荐|推荐|为你推荐|猜你喜欢",
    "排行|点击排行|阅读排行|热度排行|人气排行|点击榜|热榜",
    "友情链接|合作伙伴|上一篇|下一篇|当前位置|您的位置|图片新闻",
    "related|related (?:posts|articles|stories|content|news)|popular|most popular|most read",
    "recent posts|recent articles|trending|you may also like|read next|see also",
    "further reading|more from .{1,30}|recommended(?: for you)?|editor'?s picks|top stories",
)
_STRONG = re.compile(_PREFIX + "(?:" + "|".join(_STRONG_WORDS) + ")" + _SUFFIX, re.I)
_WEAK = re.compile(_PREFIX + r"(?:最新|最近更新|热点|latest|recent|new)" + _SUFFIX, re.I)
_MAX_LABEL = 30

STRONG_FACTOR = 0.1
WEAK_FACTOR = 0.5


def heading_penalty(text: str) -> float:
    """1.0 for an ordinary label; less for one that names a sidebar or related block."""
    if not text or len(text) > _MAX_LABEL:
        return 1.0
    if _STRONG.match(text):
        return STRONG_FACTOR
    if _WEAK.match(text):
        return WEAK_FACTOR
    return 1.0
