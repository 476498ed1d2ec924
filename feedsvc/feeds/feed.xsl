<?xml version="1.0" encoding="UTF-8"?>
<!--
  feedsvc: shows an Atom or RSS 2.0 feed as a readable page when a browser opens it.
  XSLT 1.0, no JavaScript. Everything from the feed is output as text (escaped by the
  processor); links are made only from http(s) URLs. Feed readers ignore this file.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <!-- RSS titles and descriptions are HTML: our renderer escapes plain text for them. -->
  <xsl:variable name="title">
    <xsl:value-of select="/atom:feed/atom:title"/>
    <xsl:call-template name="html-text"><xsl:with-param name="text" select="/rss/channel/title"/></xsl:call-template>
  </xsl:variable>
  <xsl:variable name="subtitle">
    <xsl:value-of select="/atom:feed/atom:subtitle"/>
    <xsl:call-template name="html-text"><xsl:with-param name="text" select="/rss/channel/description"/></xsl:call-template>
  </xsl:variable>
  <!-- The zone entry times are shown in: set by the server for feed.xsl?zone=... -->
  <xsl:variable name="zone" select="'UTC'"/>
  <xsl:variable name="self"
      select="(/atom:feed/atom:link[@rel='self'] | /rss/channel/atom:link[@rel='self'])/@href"/>

  <xsl:template match="/">
    <html lang="{(/atom:feed/@xml:lang | /rss/channel/language)[1]}">
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> (web feed)</title>
        <style>
          body { margin: 0; font: 17px/1.55 system-ui, -apple-system, "Segoe UI", "PingFang SC",
                 "Noto Sans CJK SC", sans-serif; color: #1d1d1f; background: #fafafa; }
          main { max-width: 42rem; margin: 0 auto; padding: 1rem; }
          h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0; }
          .hint { background: #fff6d6; border: 1px solid #e8d48a; border-radius: 6px;
                  padding: 0.75rem; font-size: 0.95rem; }
          .hint code { display: block; margin-top: 0.4rem; padding: 0.4rem; background: #fff;
                       border-radius: 4px; overflow-wrap: anywhere; user-select: all; }
          article { border-top: 1px solid #ddd; padding: 0.9rem 0; }
          h2 { font-size: 1.15rem; line-height: 1.35; margin: 0 0 0.25rem; }
          a { color: #0645ad; }
          .meta { color: #555; font-size: 0.85rem; margin: 0 0 0.4rem; }
          p { margin: 0; overflow-wrap: anywhere; }
        </style>
      </head>
      <body>
        <main>
          <h1><xsl:value-of select="$title"/></h1>
          <p class="meta"><xsl:value-of select="$subtitle"/></p>
          <p class="meta zone">Times are shown in <xsl:value-of select="$zone"/>.</p>
          <p class="hint">This is a web feed. Copy this URL into your feed reader to follow it:
            <code><xsl:value-of select="$self"/></code></p>
          <xsl:apply-templates select="/atom:feed/atom:entry | /rss/channel/item"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:call-template name="entry">
      <xsl:with-param name="title" select="atom:title"/>
      <xsl:with-param name="link" select="atom:link[@rel='alternate']/@href"/>
      <xsl:with-param name="author" select="atom:author/atom:name"/>
      <xsl:with-param name="summary" select="atom:summary"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="item">
    <xsl:call-template name="entry">
      <xsl:with-param name="title">
        <xsl:call-template name="html-text"><xsl:with-param name="text" select="title"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="link" select="link"/>
      <xsl:with-param name="author" select="dc:creator"/>
      <xsl:with-param name="summary">
        <xsl:call-template name="html-text"><xsl:with-param name="text" select="description"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="entry">
    <xsl:param name="title"/>
    <xsl:param name="link"/>
    <xsl:param name="author"/>
    <xsl:param name="summary"/>
    <xsl:variable name="scheme" select="translate(substring-before($link, ':'), 'HTPS', 'htps')"/>
    <article>
      <h2>
        <xsl:choose>
          <xsl:when test="$scheme = 'http' or $scheme = 'https'">
            <a href="{$link}"><xsl:value-of select="$title"/></a>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="$title"/></xsl:otherwise>
        </xsl:choose>
      </h2>
      <p class="meta">
        <xsl:apply-templates select="atom:published | pubDate"/>
        <xsl:if test="string($author)"> · <xsl:value-of select="$author"/></xsl:if>
      </p>
      <xsl:if test="string($summary)"><p><xsl:value-of select="$summary"/></p></xsl:if>
    </article>
  </xsl:template>

  <!-- The plain text of HTML-escaped text (&lt; &gt; &amp;, what feedsvc's RSS escapes),
       still output as text. One recursion per entity: past 500 entities the text is shown
       as written rather than risk the processor's recursion limit. -->
  <xsl:template name="html-text">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="string-length($text) - string-length(translate($text, '&amp;', '')) &gt; 500">
        <xsl:value-of select="$text"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="lt">
          <xsl:call-template name="replace">
            <xsl:with-param name="text" select="string($text)"/>
            <xsl:with-param name="from" select="'&amp;lt;'"/>
            <xsl:with-param name="to" select="'&lt;'"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:variable name="gt">
          <xsl:call-template name="replace">
            <xsl:with-param name="text" select="string($lt)"/>
            <xsl:with-param name="from" select="'&amp;gt;'"/>
            <xsl:with-param name="to" select="'&gt;'"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:call-template name="replace">
          <xsl:with-param name="text" select="string($gt)"/>
          <xsl:with-param name="from" select="'&amp;amp;'"/>
          <xsl:with-param name="to" select="'&amp;'"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="replace">
    <xsl:param name="text"/>
    <xsl:param name="from"/>
    <xsl:param name="to"/>
    <xsl:choose>
      <xsl:when test="contains($text, $from)">
        <xsl:value-of select="concat(substring-before($text, $from), $to)"/>
        <xsl:call-template name="replace">
          <xsl:with-param name="text" select="substring-after($text, $from)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Entry times are shown in $zone, the feed's display zone. The server serves this file
       as written for UTC; for any other zone (feed.xsl?zone=Asia%2FShanghai, the href the
       feed names) it sets $zone and fills "zone-offset" with the zone's offset changes
       (feeds/stylesheet.py), so daylight saving time is right for every entry. -->
  <xsl:template name="zone-offset">
    <xsl:param name="t"/>
    <xsl:value-of select="0"/>
  </xsl:template>

  <!-- Atom: RFC 3339, as feedsvc writes it (2024-05-18T02:20:00+00:00, or Z). -->
  <xsl:template match="atom:published">
    <xsl:variable name="s" select="normalize-space(.)"/>
    <xsl:variable name="end" select="substring($s, string-length($s) - 5)"/>
    <xsl:call-template name="local-time">
      <xsl:with-param name="text" select="$s"/>
      <xsl:with-param name="y" select="substring($s, 1, 4)"/>
      <xsl:with-param name="mo" select="substring($s, 6, 2)"/>
      <xsl:with-param name="d" select="substring($s, 9, 2)"/>
      <xsl:with-param name="h" select="substring($s, 12, 2)"/>
      <xsl:with-param name="mi" select="substring($s, 15, 2)"/>
      <xsl:with-param name="sec" select="substring($s, 18, 2)"/>
      <xsl:with-param name="written-offset">
        <xsl:choose>
          <xsl:when test="substring($s, string-length($s)) = 'Z'">0</xsl:when>
          <xsl:when test="substring($end, 4, 1) = ':'">
            <xsl:call-template name="offset-seconds">
              <xsl:with-param name="sign" select="substring($end, 1, 1)"/>
              <xsl:with-param name="hh" select="substring($end, 2, 2)"/>
              <xsl:with-param name="mm" select="substring($end, 5, 2)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>NaN</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- RSS: RFC 822, as feedsvc writes it (Sat, 18 May 2024 02:20:00 GMT, or +0800). -->
  <xsl:template match="pubDate">
    <xsl:variable name="s" select="normalize-space(.)"/>
    <xsl:variable name="mon" select="substring($s, 9, 3)"/>
    <xsl:variable name="written" select="substring($s, 27)"/>
    <xsl:call-template name="local-time">
      <xsl:with-param name="text" select="$s"/>
      <xsl:with-param name="y" select="substring($s, 13, 4)"/>
      <xsl:with-param name="mo">
        <xsl:variable name="before"
            select="substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $mon)"/>
        <xsl:choose>
          <xsl:when test="string-length($mon) = 3 and string-length($before) mod 3 = 0
                          and contains('JanFebMarAprMayJunJulAugSepOctNovDec', $mon)">
            <xsl:value-of select="string-length($before) div 3 + 1"/>
          </xsl:when>
          <xsl:otherwise>NaN</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="d" select="substring($s, 6, 2)"/>
      <xsl:with-param name="h" select="substring($s, 18, 2)"/>
      <xsl:with-param name="mi" select="substring($s, 21, 2)"/>
      <xsl:with-param name="sec" select="substring($s, 24, 2)"/>
      <xsl:with-param name="written-offset">
        <xsl:choose>
          <xsl:when test="$written = 'GMT' or $written = 'UT' or $written = 'Z'">0</xsl:when>
          <xsl:when test="string-length($written) = 5">
            <xsl:call-template name="offset-seconds">
              <xsl:with-param name="sign" select="substring($written, 1, 1)"/>
              <xsl:with-param name="hh" select="substring($written, 2, 2)"/>
              <xsl:with-param name="mm" select="substring($written, 4, 2)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>NaN</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="offset-seconds">
    <xsl:param name="sign"/>
    <xsl:param name="hh"/>
    <xsl:param name="mm"/>
    <xsl:variable name="size" select="number($hh) * 3600 + number($mm) * 60"/>
    <xsl:choose>
      <xsl:when test="$sign = '+'"><xsl:value-of select="$size"/></xsl:when>
      <xsl:when test="$sign = '-'"><xsl:value-of select="-$size"/></xsl:when>
      <xsl:otherwise>NaN</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A written time (its fields and offset in seconds) shown in $zone as
       "2024-05-18 10:20 UTC+08:00", with the UTC instant as the datetime attribute.
       Anything that does not parse is shown as written. Days from and to the civil
       calendar: H. Hinnant's algorithms, exact in XPath's doubles. -->
  <xsl:template name="local-time">
    <xsl:param name="text"/>
    <xsl:param name="y"/>
    <xsl:param name="mo"/>
    <xsl:param name="d"/>
    <xsl:param name="h"/>
    <xsl:param name="mi"/>
    <xsl:param name="sec"/>
    <xsl:param name="written-offset"/>
    <xsl:variable name="ya" select="number($y) - number(number($mo) &lt;= 2)"/>
    <xsl:variable name="era" select="floor($ya div 400)"/>
    <xsl:variable name="yoe" select="$ya - $era * 400"/>
    <xsl:variable name="mp" select="(number($mo) + 9) mod 12"/>
    <xsl:variable name="doy" select="floor((153 * $mp + 2) div 5) + number($d) - 1"/>
    <xsl:variable name="doe"
        select="$yoe * 365 + floor($yoe div 4) - floor($yoe div 100) + $doy"/>
    <xsl:variable name="days" select="$era * 146097 + $doe - 719468"/>
    <xsl:variable name="t" select="$days * 86400 + number($h) * 3600 + number($mi) * 60
                                   + number($sec) - number($written-offset)"/>
    <xsl:choose>
      <xsl:when test="string($t) = 'NaN' or number($mo) &lt; 1 or number($mo) &gt; 12">
        <time><xsl:value-of select="$text"/></time>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="offset">
          <xsl:call-template name="zone-offset"><xsl:with-param name="t" select="$t"/></xsl:call-template>
        </xsl:variable>
        <xsl:variable name="utc">
          <xsl:call-template name="civil">
            <xsl:with-param name="t" select="$t"/>
            <xsl:with-param name="separator" select="'T'"/>
          </xsl:call-template>
        </xsl:variable>
        <time datetime="{$utc}Z">
          <xsl:call-template name="civil">
            <xsl:with-param name="t" select="$t + number($offset)"/>
            <xsl:with-param name="separator" select="' '"/>
            <xsl:with-param name="minutes" select="true()"/>
          </xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:call-template name="offset-label">
            <xsl:with-param name="offset" select="number($offset)"/>
          </xsl:call-template>
        </time>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Seconds since 1970 as "2024-05-18T02:20:00" (or "2024-05-18 02:20" with minutes). -->
  <xsl:template name="civil">
    <xsl:param name="t"/>
    <xsl:param name="separator"/>
    <xsl:param name="minutes" select="false()"/>
    <xsl:variable name="days" select="floor($t div 86400)"/>
    <xsl:variable name="s" select="$t - $days * 86400"/>
    <xsl:variable name="z" select="$days + 719468"/>
    <xsl:variable name="era" select="floor($z div 146097)"/>
    <xsl:variable name="doe" select="$z - $era * 146097"/>
    <xsl:variable name="yoe" select="floor(($doe - floor($doe div 1460) + floor($doe div 36524)
                                            - floor($doe div 146096)) div 365)"/>
    <xsl:variable name="doy" select="$doe - (365 * $yoe + floor($yoe div 4) - floor($yoe div 100))"/>
    <xsl:variable name="mp" select="floor((5 * $doy + 2) div 153)"/>
    <xsl:variable name="d" select="$doy - floor((153 * $mp + 2) div 5) + 1"/>
    <xsl:variable name="m" select="($mp + 2) mod 12 + 1"/>
    <xsl:variable name="y" select="$yoe + $era * 400 + number($m &lt;= 2)"/>
    <xsl:value-of select="concat(format-number($y, '0000'), '-', format-number($m, '00'), '-',
                                 format-number($d, '00'), $separator,
                                 format-number(floor($s div 3600), '00'), ':',
                                 format-number(floor($s mod 3600 div 60), '00'))"/>
    <xsl:if test="not($minutes)">
      <xsl:value-of select="concat(':', format-number($s mod 60, '00'))"/>
    </xsl:if>
  </xsl:template>

  <!-- "UTC" for no offset, else "UTC+08:00" ("UTC+08:05:43" for a local mean time). -->
  <xsl:template name="offset-label">
    <xsl:param name="offset"/>
    <xsl:variable name="size" select="($offset &gt;= 0) * $offset + ($offset &lt; 0) * -$offset"/>
    <xsl:text>UTC</xsl:text>
    <xsl:if test="$offset != 0">
      <xsl:value-of select="concat(substring('+-', 1 + ($offset &lt; 0), 1),
                                   format-number(floor($size div 3600), '00'), ':',
                                   format-number(floor($size mod 3600 div 60), '00'))"/>
      <xsl:if test="$size mod 60 != 0">
        <xsl:value-of select="concat(':', format-number($size mod 60, '00'))"/>
      </xsl:if>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
