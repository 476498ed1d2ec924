"""Helpers for the demo-portal tests: a settable clock and page parsing."""

from __future__ import annotations

from datetime import datetime

import lxml.html
from manual_clock import Clock as ManualClock

from feedsvc.demo.content import SHANGHAI

START = datetime(2023, 5, 18, 10, 20, 31, tzinfo=SHANGHAI)


class Clock(ManualClock):
    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def text_of(html: str) -> str:
    return " ".join(parse(html).text_content().split())
