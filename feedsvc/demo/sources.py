"""The demo portal's sources, as data: ``sources.yaml`` beside this module.

The portal (see :mod:`feedsvc.demo.portal`) is a stand-in for the web: a Chinese city TV
site, 潍坊广电网, with four categories — 财经 ``/caijing/``, 社会 ``/shehui/``,
文化 ``/wenhua/`` (served as GBK bytes with the charset only in
``<meta http-equiv="Content-Type" content="text/html; charset=gb2312">``) and 体育 ``/tiyu/``
(whose list links are relative). Each list page holds ``ul.news-list > li`` items
(``<a href>title</a><span class="date">YYYY-MM-DD</span>``), newest first, 20 per page
(``index_2.html`` …), beside sidebars 相关阅读 / 热门文章 / 最新文章 that link other
categories' articles and must not be taken for the list. Article pages live at
``/{slug}/YYYY/MMDD/{id}.html`` with the body in ``div.content``, a breadcrumb
``当前位置:首页 > 财经 >`` and a 日期/来源/编辑 line whose format differs per category.
``/_demo/state.json`` returns the ground truth.

:func:`demo_sources` gives the entries with the portal's address filled in, ready for the
sources-file loader; :func:`demo_sources_yaml` gives the same as YAML text.
"""

from __future__ import annotations

from importlib.resources import files
from string import Template
from typing import Any

import yaml

_TEMPLATE = "sources.yaml"


def _template_text() -> str:
    return files("feedsvc.demo").joinpath(_TEMPLATE).read_text(encoding="utf-8")


def _check_base_url(base_url: str) -> str:
    if not base_url.startswith(("http://", "https://")):
        raise ValueError(f"demo portal base_url must be an http(s) URL, got {base_url!r}")
    return base_url.rstrip("/")


def demo_sources_yaml(base_url: str, *, with_selectors: bool = True) -> str:
    """The ``sources:`` YAML document for a portal at ``base_url``.

    ``with_selectors=False`` drops the CSS selectors, to exercise automatic detection.
    """
    text = Template(_template_text()).substitute(base_url=_check_base_url(base_url))
    if with_selectors:
        return text
    data = yaml.safe_load(text)
    for entry in data["sources"]:
        entry.pop("selectors", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def demo_sources(base_url: str, *, with_selectors: bool = True) -> list[dict[str, Any]]:
    """The portal's four sources-file entries (``demo-caijing`` …) as plain dicts."""
    data = yaml.safe_load(demo_sources_yaml(base_url, with_selectors=with_selectors))
    sources: list[dict[str, Any]] = data["sources"]
    return sources
