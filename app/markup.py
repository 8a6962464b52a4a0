"""Markdown to safe HTML: rendered once when text is saved, never on read.

markdown-it-py turns the source into HTML (raw HTML in the source is escaped, not
passed through), then nh3 keeps only an allow-list of tags and attributes, so no
script, event handler, `javascript:` URL or inline style survives either step.
"""

import re
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td", "span", "aside", "div",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "aside": {"class", "data-post"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# Relative links and images are allowed (uploads, other topics); scheme-less
# protocol-relative URLs ("//evil") are not, they would leave the site.
_PROTOCOL_RELATIVE = re.compile(r'(src|href)="//[^"]*"')

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def render_markdown(source: str) -> str:
    html = _md.render(source)
    html = _PROTOCOL_RELATIVE.sub(r'\1="#"', html)
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


class _TextExtractor(HTMLParser):
    """The words of rendered HTML, with block elements kept apart by line breaks."""

    BLOCKS = frozenset(
        {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol",
         "li", "table", "tr", "th", "td", "aside", "div"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML (for the search index, excerpts, notifications)."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).split("\n"))
    return "\n".join(line for line in lines if line)
