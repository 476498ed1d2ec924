"""decode_html: the order of evidence, the lies real pages tell, and the corpus."""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

import pytest

from feedsvc.fetch import Decoded, decode_html
from feedsvc.fetch.charset import find_declared_charset, normalize_charset

NEWS = "潍坊新闻：寿光蔬菜博览会开幕，来源：潍坊日报，编辑：王磊。"
# Enough Chinese prose for detection to have something to go on.
ARTICLE = (
    "4月20日，第二十四届中国（寿光）国际蔬菜科技博览会在寿光开幕。本届菜博会以“绿色·科技·未来”"
    "为主题，展览面积达45万平方米，设置12个展厅和4个露天展区，集中展示国内外蔬菜新品种、"
    "新技术、新模式。来自全国各地的客商和市民纷纷前来参观，现场人气火爆。据介绍，本届菜博会"
    "共有2000多个蔬菜品种参展，其中新品种300多个，还举办了蔬菜种业发展论坛等系列活动。"
)


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>潍坊</title></head><body><p>{body}</p></body></html>"


def test_http_charset_gbk_decodes_as_gb18030() -> None:
    raw = page(NEWS).encode("gbk")
    assert decode_html(raw, "GBK") == Decoded(page(NEWS), "gb18030", "http")


def test_gb18030_superset_keeps_characters_outside_gb2312() -> None:
    text = page("镕基与喆、昇、堃")  # not in GB2312, in GBK
    raw = text.encode("gbk")
    assert decode_html(raw, "gb2312").text == text


def test_meta_charset_only() -> None:
    text = page(ARTICLE, '<meta charset="gbk">')
    assert decode_html(text.encode("gbk"), None) == Decoded(text, "gb18030", "meta")


def test_meta_http_equiv_only() -> None:
    text = page(NEWS, '<meta http-equiv="Content-Type" content="text/html; charset=GB2312">')
    result = decode_html(text.encode("gb2312"), None)
    assert (result.text, result.encoding, result.source) == (text, "gb18030", "meta")


def test_xml_declaration() -> None:
    text = '<?xml version="1.0" encoding="GBK"?>\n' + page(NEWS)
    assert decode_html(text.encode("gbk"), None) == Decoded(text, "gb18030", "meta")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins_over_declarations_and_is_stripped(bom: bytes, codec: str) -> None:
    text = page(NEWS, '<meta charset="gbk">')
    result = decode_html(bom + text.encode(codec), "iso-8859-1")
    assert result == Decoded(text, codec, "bom")


def test_http_header_wins_over_meta() -> None:
    text = page(NEWS, '<meta charset="big5">')
    assert decode_html(text.encode("gbk"), "gbk").source == "http"


def test_lying_meta_gb2312_on_utf8_page_uses_utf8() -> None:
    text = page(ARTICLE, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    assert decode_html(text.encode("utf-8"), None) == Decoded(text, "utf-8", "detected")


def test_lying_http_charset_on_utf8_page_uses_utf8() -> None:
    text = page(NEWS)
    assert decode_html(text.encode("utf-8"), "gbk") == Decoded(text, "utf-8", "detected")


def test_latin1_label_on_utf8_page_uses_utf8() -> None:
    # windows-1252 decodes any byte, so only the UTF-8 check can catch this lie.
    text = "<p>Café déjà vu — naïve résumé</p>"
    assert decode_html(text.encode("utf-8"), "iso-8859-1").encoding == "utf-8"


def test_latin1_label_means_windows_1252() -> None:
    text = "<p>“Smart quotes” – and a café</p>"
    result = decode_html(text.encode("cp1252"), "ISO-8859-1")
    assert result == Decoded(text, "cp1252", "http")


def test_declared_utf8_on_gbk_page_is_detected_as_gb18030() -> None:
    text = page(ARTICLE)
    result = decode_html(text.encode("gbk"), "utf-8")
    assert (result.text, result.encoding, result.source) == (text, "gb18030", "detected")


def test_undeclared_gbk_page_is_detected() -> None:
    text = page(ARTICLE * 2)
    result = decode_html(text.encode("gbk"), None)
    assert (result.text, result.encoding, result.source) == (text, "gb18030", "detected")


def test_undeclared_gbk_page_with_invalid_bytes_is_still_gb18030() -> None:
    raw = page(ARTICLE * 2).encode("gbk")
    broken = raw[:200] + b"\xff\xff" + raw[200:]  # 0xFF is never valid in GB codecs
    result = decode_html(broken, None)
    assert result.encoding == "gb18030"
    assert "\ufffd" in result.text
    assert "寿光国际蔬菜科技博览会" in result.text.replace("（", "").replace("）", "")


def test_declared_gb_page_with_a_few_invalid_bytes_decodes_with_replacement() -> None:
    raw = page(ARTICLE, '<meta charset="gb2312">').encode("gbk")
    broken = raw.replace("展览".encode("gbk"), b"\xff\xff", 1)
    result = decode_html(broken, None)
    assert (result.encoding, result.source) == ("gb18030", "meta")
    assert "\ufffd" in result.text
    assert "面积达45万平方米" in result.text


def test_undeclared_utf8() -> None:
    assert decode_html(page(NEWS).encode(), None) == Decoded(page(NEWS), "utf-8", "detected")


def test_ascii_only_page() -> None:
    assert decode_html(b"<p>hello</p>", None) == Decoded("<p>hello</p>", "utf-8", "detected")


def test_empty_body() -> None:
    assert decode_html(b"", None) == Decoded("", "utf-8", "detected")


def test_forced_wins_over_everything() -> None:
    text = page(NEWS, '<meta charset="utf-8">')
    raw = codecs.BOM_UTF8 + text.encode("gbk")  # even a (wrong) BOM
    result = decode_html(raw, "utf-8", forced="gbk")
    assert (result.encoding, result.source) == ("gb18030", "forced")
    assert text in result.text


@pytest.mark.parametrize("label", ["no-such-charset", "", "  ", "x-user-defined-bogus"])
def test_unknown_charset_names_fall_through(label: str) -> None:
    text = page(NEWS, f'<meta charset="{label}">')
    raw = text.encode("gbk")
    forced = decode_html(raw, label, forced=label)
    assert forced.source == "detected"
    assert forced.text == text


def test_unknown_http_charset_falls_through_to_meta() -> None:
    text = page(NEWS, '<meta charset="gbk">')
    assert decode_html(text.encode("gbk"), "klingon").source == "meta"


def test_utf16_label_on_ascii_compatible_page_means_utf8() -> None:
    text = page(NEWS, '<meta charset="utf-16">')
    assert decode_html(text.encode("utf-8"), None) == Decoded(text, "utf-8", "meta")


def test_meta_beyond_the_scan_window_is_not_seen() -> None:
    raw = b"<html><head><script>" + b" " * 9000 + b'</script><meta charset="gbk">'
    assert find_declared_charset(raw) is None
    assert find_declared_charset(b"<META  CHARSET = 'GB2312'  >") == "GB2312"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("cp936", "gb18030"),
        ("x-gbk", "gb18030"),
        ("euc-cn", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf8", "utf-8"),
        ('"UTF-8"', "utf-8"),
        ("latin1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("big5", "big5"),
        ("nonsense", None),
        (None, None),
    ],
)
def test_normalize_charset(label: str | None, codec: str | None) -> None:
    assert normalize_charset(label) == codec


# --- the real-page corpus: every page must decode to what its bytes really are -----------

_CORPUS_CANDIDATES = (
    Path(__file__).resolve().parents[3] / "shared" / "corpus",
    Path("/work/shared/corpus"),
)
CORPUS = next((path for path in _CORPUS_CANDIDATES if path.is_dir()), None)
# The list schema has no encoding field; the corpus README's encoding table gives these.
LIST_ENCODINGS = {"unfurl-qq.com-homepage": "gbk"}


def _page_bytes(json_path: Path) -> bytes:
    stem = json_path.name[: -len(".json")]
    plain = json_path.with_name(stem + ".html")
    if plain.exists():
        return plain.read_bytes()
    return gzip.decompress(json_path.with_name(stem + ".html.gz").read_bytes())


def _corpus_cases() -> list[object]:
    if CORPUS is None:
        return [pytest.param(None, id="corpus-absent", marks=pytest.mark.skip("no shared/corpus"))]
    return [
        pytest.param(path, id=str(path.relative_to(CORPUS).with_suffix("")))
        for path in sorted(CORPUS.rglob("*.json"))
    ]


@pytest.mark.corpus
@pytest.mark.parametrize("json_path", _corpus_cases())
def test_corpus_page_decodes_as_its_actual_encoding(json_path: Path) -> None:
    case = json.loads(json_path.read_text(encoding="utf-8"))
    actual = case.get("actual_encoding") or LIST_ENCODINGS.get(case["case"], "utf-8")
    raw = _page_bytes(json_path)
    raw_without_bom = raw.removeprefix(codecs.BOM_UTF8)  # decode_html strips it; so do we
    # GB2312 and GBK text is the same text through GB18030, which also maps the
    # user-defined-area pairs and replaces the few invalid sequences some pages have.
    family = "gb18030" if actual.startswith("gb") else actual
    expected = raw_without_bom.decode(family, errors="replace")

    result = decode_html(raw, None)

    assert result.text == expected, (case["case"], actual, result.encoding, result.source)
