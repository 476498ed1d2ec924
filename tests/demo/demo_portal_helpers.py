"""Helpers for the demo-portal tests: a settable clock and page parsing."""

from __future__ import annotations

from datetime import datetime, timedelta

import lxml.html

from feedsvc.demo.content import SHANGHAI

START = datetime(2023, 5, 18, 10, 20, 31, tzinfo=SHANGHAI)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = START) -> None:
        self.value = start

    def __call__(self) -> datetime:
        return self.value

    def advance(self, **kwargs: float) -> datetime:
        self.value += timedelta(**kwargs)
        return self.value


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def text_of(html: str) -> str:
    return " ".join(parse(html).text_content().split())
