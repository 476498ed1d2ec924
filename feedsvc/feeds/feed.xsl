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

  <!-- The feed gives UTC (2024-05-18T02:20:00+00:00): shown as "2024-05-18 02:20 UTC".
       No date arithmetic here; any other offset is shown as written. -->
  <xsl:template match="atom:published">
    <time datetime="{.}">
      <xsl:choose>
        <xsl:when test="substring(., string-length(.) - 5) = '+00:00'
                        or substring(., string-length(.)) = 'Z'">
          <xsl:value-of select="concat(substring(., 1, 10), ' ', substring(., 12, 5), ' UTC')"/>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
      </xsl:choose>
    </time>
  </xsl:template>

  <!-- RFC 822 dates already name their zone ("Sat, 18 May 2024 02:20:00 GMT"). -->
  <xsl:template match="pubDate">
    <time><xsl:value-of select="."/></time>
  </xsl:template>
</xsl:stylesheet>
