"""Short, mostly ASCII pages with a few Chinese words: a clean declared charset is never
overridden, correct UTF-8 is never "repaired", and undeclared pages still read right."""

from __future__ import annotations

import pytest

from feedsvc.fetch import decode_html
from feedsvc.fetch.charset import (
    gb_reading_is_plausible,
    repair_mojibake,
    utf8_reading_is_plausible,
)

# "小时前" and "北京" in GBK are also valid UTF-8 ("Сʱǰ"): the trap behind the defect.
TEXTS = (
    "1000000000 小时前",
    "Updated 3 小时前 by 记者 Wang",
    "中文",
    "See 北京 at 10:20 · News",
)
GB18030_ONLY = "𠮷野家 opens in 北京 and 上海 today"  # 𠮷 is four bytes in GB18030, not in GBK
LABELS = ("header", "meta", "none")


def _cases() -> list[object]:
    cases: list[object] = []
    for text in (*TEXTS, GB18030_ONLY):
        for encoding in ("utf-8", "gbk", "gb18030"):
            if text is GB18030_ONLY and encoding == "gbk":
                continue
            for label in LABELS:
                cases.append(pytest.param(text, encoding, label, id=f"{encoding}-{label}-{text}"))
    return cases


def _page(text: str, encoding: str, label: str) -> tuple[bytes, str | None]:
    meta = f'<meta charset="{encoding}">' if label == "meta" else ""
    html = f"<html><head>{meta}<title>News</title></head><body><p>{text}</p></body></html>"
    return html.encode(encoding), encoding if label == "header" else None


@pytest.mark.parametrize(("text", "encoding", "label"), _cases())
def test_short_mixed_script_page_decodes_to_its_text(text: str, encoding: str, label: str) -> None:
    body, header = _page(text, encoding, label)
    result = decode_html(body, header)
    assert f"<p>{text}</p>" in result.text, (result.encoding, result.source)
    expected_codec = "utf-8" if encoding == "utf-8" else "gb18030"
    expected_source = {"header": "http", "meta": "meta", "none": "detected"}[label]
    assert (result.encoding, result.source) == (expected_codec, expected_source)


@pytest.mark.parametrize("text", TEXTS)
def test_correct_utf8_text_is_not_repaired(text: str) -> None:
    assert repair_mojibake(f"<p>{text}</p>") is None


def test_double_encoded_text_is_still_repaired() -> None:
    garbled = "潍坊新闻发布".encode().decode("gb18030")  # UTF-8 read as GB, kept as text
    assert repair_mojibake(f"<p>{garbled}</p>") == "<p>潍坊新闻发布</p>"


def test_lying_gb_label_is_caught_by_its_reading_not_by_utf8_validity() -> None:
    # The GB reading of UTF-8 Chinese is rare characters: a detectable lie.
    lie = "<p>寿光蔬菜博览会今天开幕</p>".encode()
    assert decode_html(lie, "gbk").encoding == "utf-8"
    # GB bytes that are valid UTF-8 by accident read as plausible Chinese: kept.
    truth = "<p>1000000000 小时前</p>".encode("gbk")
    truth.decode("utf-8")  # the trap: no error
    assert decode_html(truth, "gbk").text == "<p>1000000000 小时前</p>"


@pytest.mark.parametrize(
    ("text", "plausible"),
    [
        ("1000000000 小时前", True),
        ("寿光蔬菜博览会，“绿色·科技”。", True),
        ("寿光蔬菜博览".encode().decode("gb18030"), False),  # UTF-8 read as GB
        # Big5 read as GB: kana
        ("中文新聞報導".encode("big5").decode("gb18030", errors="replace"), False),
        ("ASCII only", True),
    ],
)
def test_gb_reading_plausibility(text: str, plausible: bool) -> None:
    assert gb_reading_is_plausible(text) is plausible


@pytest.mark.parametrize(
    ("text", "plausible"),
    [
        ("1000000000 小时前", True),
        ("Café © 2023", True),
        ("Привет, как дела", False),  # what GB bytes often become: two-byte letters
        ("1000000000 小时前".encode("gbk").decode("utf-8"), False),
    ],
)
def test_utf8_reading_plausibility(text: str, plausible: bool) -> None:
    assert utf8_reading_is_plausible(text) is plausible
