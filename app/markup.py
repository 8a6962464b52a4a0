"""Markdown to safe HTML: rendered once when text is saved, never on read.

markdown-it-py turns the source into HTML (raw HTML in the source is escaped, not
passed through), then nh3 keeps only an allow-list of tags and attributes, so no
script, event handler, `javascript:` URL or inline style survives either step.
"""

import re

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
