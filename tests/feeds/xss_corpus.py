"""Hostile strings for the feed escaping tests: representative cases from the OWASP XSS
Filter Evasion Cheat Sheet, written out here (no download), plus XML breakouts.

``MARKUP`` goes into text and HTML fields (titles, summaries, content, names);
``URLS`` into URL fields (article link, image). Each case has a short id for test names.
"""

from __future__ import annotations

from typing import Final

MARKUP: Final[dict[str, str]] = {
    "script": "<script>alert(1)</script>",
    "script-src-upper": '<SCRIPT SRC="http://xss.rocks/xss.js"></SCRIPT>',
    "script-nested-lt": '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    "script-null-byte": "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "script-xhtml-ns": '<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-js-src": "<IMG SRC=\"javascript:alert('XSS');\">",
    "img-mixed-case": "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "img-decimal-entities": (
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"
        "&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>"
    ),
    "img-hex-no-semicolon": (
        "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61>"
    ),
    "img-embedded-tab": "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "img-null-in-scheme": "<IMG SRC=\"jav\x00ascript:alert('XSS');\">",
    "img-srcset": '<img srcset="javascript:alert(1) 1x, https://a.example/x.png 2x">',
    "svg-onload": "<svg onload=alert(1)>",
    "svg-xlink": (
        '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>'
    ),
    "a-javascript": '<a href="javascript:alert(1)">click</a>',
    "a-javascript-spaced": '<a href=" &#14;  javascript:alert(1)">click</a>',
    "a-vbscript": '<a href="vbscript:msgbox(1)">click</a>',
    "a-data-html": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "button-formaction": '<form><button formaction="javascript:alert(1)">go</button></form>',
    "video-poster": '<video poster="javascript:alert(1)"><source src="x.mp4"></video>',
    "table-background": '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "body-onload": "<body onload=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "iframe-js": '<iframe src="javascript:alert(1)"></iframe>',
    "object-data": '<object data="javascript:alert(1)"></object>',
    "embed-data-svg": (
        '<embed src="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+">'
    ),
    "style-url": '<div style="background-image:url(javascript:alert(1))">x</div>',
    "base-href": "<BASE HREF=\"javascript:alert('XSS');//\">",
    "meta-refresh": '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "math-mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "entity-encoded": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "hex-entity-encoded": "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "double-encoded": "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "cdata-breakout": "]]><script>alert(1)</script><![CDATA[",
    "title-breakout": "</title><script>alert(1)</script>",
    "description-breakout": "</description><img src=x onerror=alert(1)>",
    "attribute-breakout": '"><img src=x onerror=alert(1)>',
    "comment-breakout": "--><script>alert(1)</script><!--",
}

# In URL fields. None of them may reach a reader as a link it could follow.
URLS: Final[dict[str, str]] = {
    "javascript": "javascript:alert(1)",
    "javascript-mixed-case": "JaVaScRiPt:alert(1)",
    "javascript-leading-space": " javascript:alert(1)",
    "javascript-tab": "java\tscript:alert(1)",
    "javascript-entity": "javascript&#58;alert(1)",
    "vbscript": "vbscript:msgbox(1)",
    "data-html": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "scheme-relative": "//evil.example/x.js",
}

# http(s) URLs with markup in them: kept (they are valid links), but escaped everywhere.
HOSTILE_HTTP_URLS: Final[dict[str, str]] = {
    "quote-breakout": 'https://news.example.cn/a"><script>alert(1)</script>',
    "query-markup": "https://news.example.cn/a?q=<img src=x onerror=alert(1)>",
}
