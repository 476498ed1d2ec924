"""The console's words in English and Chinese, picked per request by Accept-Language.

Templates write ``t("English label")`` (``t("… {n} …", n=3)`` for labels with values);
``ZH`` holds the Chinese text of each (a test checks every label in the templates has
one). Scraped text — names, titles, summaries — is shown as it is. Messages from the API's
validation (``field: message``) stay English: they name settings and selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

Translate = Callable[..., str]

ZH: dict[str, str] = {
    # frame
    "admin": "管理",
    "Sources": "信息源",
    "Add source": "添加信息源",
    "Public feeds": "公开订阅",
    "Sign out ({who})": "退出（{who}）",
    "Signed in as {who}": "当前令牌：{who}",
    # sign in, errors
    "Sign in": "登录",
    "Use an admin token from the admin_tokens setting.": "请使用 admin_tokens 设置中的管理令牌。",
    "Admin token": "管理令牌",
    "Error {status}": "错误 {status}",
    "Back to the sources": "返回信息源列表",
    "The form expired: please try again.": "表单已过期，请重试。",
    "Too many attempts: wait a minute and try again.": "尝试次数过多，请稍候再试。",
    "That token is not valid.": "令牌无效。",
    # sources table
    "{shown} of {total}": "{shown} / {total}",
    "Signed in with the read-only token {who}: you can look, not change.": (
        "当前为只读令牌 {who}：只能查看，不能修改。"
    ),
    "Filter": "筛选",
    "Filter by id, name, category or URL": "按 id、名称、分类或网址筛选",
    "Clear": "清除",
    "Source": "信息源",
    "Health": "状态",
    "Category": "分类",
    "Last success": "上次成功",
    "Items": "条目",
    "Next run": "下次运行",
    "file": "文件",
    "No source matches “{q}”.": "没有与“{q}”匹配的信息源。",
    "No sources yet.": "还没有信息源。",
    "never": "从未",
    # badges
    "Paused": "已暂停",
    "Failing ×{count} (last OK {when})": "失败 ×{count}（上次成功 {when}）",
    "Failing ×{count} (never OK)": "失败 ×{count}（从未成功）",
    "Drift: the list stopped yielding links": "漂移：列表不再产出链接",
    "Waiting for its first run": "等待首次运行",
    "OK": "正常",
    # source page
    "List page": "列表页",
    "List pages": "列表页",
    "Every": "间隔",
    "{seconds} s": "{seconds} 秒",
    "Managed by": "管理方式",
    "paused": "已暂停",
    "Last error": "上次错误",
    "Selectors": "选择器",
    "detected automatically": "自动识别",
    "Feed": "订阅",
    "Read it here": "在此阅读",
    "Edit": "编辑",
    "Refresh now": "立即刷新",
    "Pause": "暂停",
    "Resume": "恢复",
    "Articles": "文章",
    "hidden": "已隐藏",
    "Hide": "隐藏",
    "Unhide": "取消隐藏",
    "No articles yet.": "还没有文章。",
    "Runs": "运行记录",
    "newest first": "最新在前",
    "Started": "开始",
    "Status": "状态",
    "Took": "耗时",
    "Found": "发现",
    "New": "新增",
    "Updated": "更新",
    "Unchanged": "未变",
    "Re-checked": "复查",
    "manual": "手动",
    "Dropped": "丢弃",
    "Pages": "页面",
    "Failed": "失败",
    "No runs yet.": "还没有运行记录。",
    # the learned page template
    "Page template": "页面模板",
    "learning": "学习中",
    "learned": "已学会",
    "drifted": "已漂移",
    "Learned from {pages} pages, {agreed} agreed on the body; {pinned} pages pinned since.": (
        "从 {pages} 个页面学得，其中 {agreed} 个页面的正文位置一致；"
        "此后已按模板抽取 {pinned} 个页面。"
    ),
    "Drifted: {n} pages in a row no longer match it.": "已漂移：连续 {n} 个页面不再符合模板。",
    "Not learned yet: {seen} of {needed} pages observed.": (
        "尚未学会：已观察 {seen} / {needed} 个页面。"
    ),
    "Part": "部分",
    "Path": "路径",
    "Pages agreeing": "一致的页面",
    "region": "文章区域",
    "title": "标题",
    "body": "正文",
    "category": "栏目",
    "teaser": "推荐列表",
    "boilerplate": "重复模块",
    "list": "列表",
    "article": "文章",
    # notices
    "Paused: it is not refreshed until you resume it.": "已暂停：恢复前不会刷新。",
    "Resumed.": "已恢复。",
    "Refreshed.": "已刷新。",
    "Refreshing…": "正在刷新…",
    "Queued for refresh.": "已排队等待刷新。",
    "Saved.": "已保存。",
    "Hidden: {title}": "已隐藏：{title}",
    "Shown again: {title}": "已恢复显示：{title}",
    # feed view
    "Feed of {name}": "{name} 的信息流",
    "Times in {zone}": "时间为 {zone}",
    "{count} newest entries": "最新 {count} 条",
    "{count} hidden": "{count} 条已隐藏",
    "Hidden: left out of every feed": "已隐藏：不出现在任何订阅中",
    "(unhide it on the source's page)": "（可在信息源页面取消隐藏）",
    "Image (not loaded here):": "图片（此处不加载）：",
    "No entries yet: the feed fills after the source's first good run.": (
        "暂无条目：信息源首次成功运行后才会有内容。"
    ),
    # add / edit form
    "Add a source": "添加信息源",
    "Edit {id}": "编辑 {id}",
    "form": "表单",
    "List page URLs": "列表页网址",
    "one a line": "每行一个",
    "List page URL": "列表页网址",
    "Preview": "预览",
    "Id": "Id",
    "a-z 0-9 -; in feed URLs": "a-z 0-9 -；用于订阅网址",
    "Name": "名称",
    "e.g. 15m, 1h": "如 15m、1h",
    "Time zone": "时区",
    "Language": "语言",
    "empty = detected automatically; CSS, or XPath with": (
        "留空则自动识别；CSS，或以此开头的 XPath："
    ),
    "Allow a private-network address": "允许内网地址",
    "Save": "保存",
    "Save source": "保存信息源",
    "Cancel": "取消",
    "Preview of": "预览",
    "List candidates": "候选列表",
    "score {score} · {count} items": "得分 {score} · {count} 条",
    "Use this list": "使用此列表",
    "No list found on this page: give selectors.": "此页未找到列表：请填写选择器。",
    "First articles": "前几篇文章",
    "no date": "无日期",
    "Where each field came from": "各字段的来源",
    "Links": "链接",
    "{kept} kept, {dropped} dropped": "保留 {kept}，丢弃 {dropped}",
    "Link": "链接",
    "Kept?": "保留？",
    "Why": "原因",
    "kept": "保留",
    "dropped": "丢弃",
}

HTML_LANG = {"zh": "zh-CN", "en": "en"}


def language(accept_language: str) -> str:
    """ "zh" or "en": the first of the two in the header's order of preference (its q
    weights; q=0 refuses a language, an unreadable weight drops the entry), else "en"."""
    ranked: list[tuple[float, int, str]] = []
    for order, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = -1.0
        primary = tag.strip().lower().split("-")[0]
        if weight > 0 and primary in ("zh", "en"):
            ranked.append((-weight, order, primary))
    return min(ranked)[2] if ranked else "en"


def translator(lang: str) -> Translate:
    table = ZH if lang == "zh" else {}

    def t(label: str, **values: Any) -> str:
        return table.get(label, label).format(**values) if values else table.get(label, label)

    return t


def request_language(request: web.Request) -> str:
    return language(request.headers.get("Accept-Language", ""))


def labels_context(request: web.Request) -> dict[str, Any]:
    """What every console template gets: ``t`` and the page's ``lang``."""
    lang = request_language(request)
    return {"t": translator(lang), "lang": HTML_LANG[lang]}
