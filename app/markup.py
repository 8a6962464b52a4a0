"""Markdown to safe HTML: rendered once when text is saved, never on read.

markdown-it-py turns the source into HTML (raw HTML in the source is escaped, not
passed through), then nh3 keeps only an allow-list of tags and attributes, so no
script, event handler, `javascript:` URL or inline style survives either step.

Posts add two forum constructs, resolved while rendering:
- `@username` of an existing member becomes a link to their profile;
- a quote block `[quote="username, post:3, topic:12"]` ... `[/quote]` becomes an
  aside that links back to the quoted post.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "aside",
    "div",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
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

MENTION = re.compile(r"(?<![\w@./-])@([A-Za-z0-9_][A-Za-z0-9_.-]{1,29})(?<![.-])")
_QUOTE_OPEN = re.compile(r'^\[quote(?:="([^"\n]*)")?\]\s*$')
_QUOTE_CLOSE = re.compile(r"^\[/quote\]\s*$")
_QUOTE_PARAMS = re.compile(
    r"^\s*([A-Za-z0-9_.-]{1,30})\s*(?:,\s*post:\s*(\d{1,9}))?\s*(?:,\s*topic:\s*(\d{1,12}))?\s*$"
)


@dataclass(frozen=True)
class QuoteRef:
    username: str
    post_number: int | None
    topic_id: int | None


@dataclass
class PostLinks:
    """How forum constructs become links; filled in by the forum before rendering.

    `mention_urls` maps the lowercased usernames that exist to their profile URL;
    `post_url(topic_id, post_number)` gives the address of a quoted post;
    `topic_id` is the topic being written in, for quotes that do not name one.
    """

    mention_urls: dict[str, str] = field(default_factory=dict)
    post_url: Callable[[int, int], str] | None = None
    topic_id: int | None = None


@dataclass
class Rendered:
    html: str
    mentions: list[str]  # lowercased usernames linked in the text, in order, once each
    quotes: list[QuoteRef]


def quote_block(username: str, post_number: int, topic_id: int, text: str) -> str:
    """The source of a quote of `text` from a post, as a reply starts with it."""
    return (
        f'[quote="{username}, post:{post_number}, topic:{topic_id}"]\n{text.strip()}\n[/quote]\n\n'
    )


def mention_candidates(source: str) -> set[str]:
    """Every `@name` of the source (code included): the usernames to look up."""
    return {name.lower() for name in MENTION.findall(source)}


# --- quote blocks -------------------------------------------------------------------


def _quote_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    line = state.src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]]
    opening = _QUOTE_OPEN.match(line)
    if opening is None:
        return False
    if silent:
        return True
    depth = 1
    next_line = start_line
    closed = False
    while True:
        next_line += 1
        if next_line >= end_line:
            break  # an unclosed quote runs to the end of its parent
        text = state.src[
            state.bMarks[next_line] + state.tShift[next_line] : state.eMarks[next_line]
        ]
        if _QUOTE_OPEN.match(text):
            depth += 1
        elif _QUOTE_CLOSE.match(text):
            depth -= 1
            if depth == 0:
                closed = True
                break
    old_parent, old_line_max = state.parentType, state.lineMax
    state.parentType = "quote"
    state.lineMax = next_line
    token = state.push("quote_open", "aside", 1)
    token.info = opening.group(1) or ""
    token.map = [start_line, next_line]
    state.md.block.tokenize(state, start_line + 1, next_line)
    state.push("quote_close", "aside", -1)
    state.parentType, state.lineMax = old_parent, old_line_max
    state.line = next_line + (1 if closed else 0)
    return True


def _parse_quote(info: str, links: PostLinks | None) -> QuoteRef | None:
    match = _QUOTE_PARAMS.match(info)
    if match is None:
        return None
    username, post, topic = match.groups()
    topic_id = int(topic) if topic else (links.topic_id if links else None)
    return QuoteRef(username.lower(), int(post) if post else None, topic_id)


def _render_quote_open(renderer, tokens: list[Token], idx: int, options, env: dict) -> str:
    links: PostLinks | None = env.get("links")
    quote = _parse_quote(tokens[idx].info, links)
    if quote is None:
        return '<aside class="quote"><blockquote>\n'
    env.setdefault("quotes", []).append(quote)
    title = escapeHtml("@" + quote.username)
    data = ""
    if quote.post_number is not None:
        title += f" #{quote.post_number}"
        data = f' data-post="{quote.post_number}"'
        if links and links.post_url and quote.topic_id is not None:
            href = escapeHtml(links.post_url(quote.topic_id, quote.post_number))
            title = f'<a href="{href}">{title}</a>'
    return f'<aside class="quote"{data}><div class="quote-title">{title}</div><blockquote>\n'


def _render_quote_close(renderer, tokens: list[Token], idx: int, options, env: dict) -> str:
    return "</blockquote></aside>\n"


# --- mentions -------------------------------------------------------------------------


def _link_mentions(state: StateCore) -> None:
    links: PostLinks | None = state.env.get("links")
    if not links or not links.mention_urls:
        return
    found: list[str] = state.env.setdefault("mentions", [])
    quote_depth = 0
    for block in state.tokens:
        quote_depth += {"quote_open": 1, "quote_close": -1}.get(block.type, 0)
        if block.type != "inline" or not block.children:
            continue
        # A mention inside a quote is linked but notifies nobody: the quoted author did it.
        record = found if quote_depth == 0 else []
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            if token.type == "link_open":
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            if token.type != "text" or inside_link or "@" not in token.content:
                children.append(token)
                continue
            children.extend(_split_mentions(token, links.mention_urls, record))
        block.children = children


def _split_mentions(token: Token, urls: dict[str, str], found: list[str]) -> list[Token]:
    pieces: list[Token] = []
    text = token.content
    last = 0
    for match in MENTION.finditer(text):
        name = match.group(1).lower()
        if name not in urls:
            continue
        if match.start() > last:
            pieces.append(_text_token(text[last : match.start()], token.level))
        link = Token("link_open", "a", 1, level=token.level)
        link.attrs = {"href": urls[name], "class": "mention"}
        pieces.extend([link, _text_token(match.group(0), token.level + 1)])
        pieces.append(Token("link_close", "a", -1, level=token.level))
        if name not in found:
            found.append(name)
        last = match.end()
    if last == 0:
        return [token]
    if last < len(text):
        pieces.append(_text_token(text[last:], token.level))
    return pieces


HEADING_SHIFT = 2


def _shift_headings(state: StateCore) -> None:
    """Written headings sit under the page's own h1 and section h2: "# Title" becomes h3."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"


def _text_token(content: str, level: int) -> Token:
    token = Token("text", "", 0, level=level)
    token.content = content
    return token


_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
_md.block.ruler.before(
    "fence", "forum_quote", _quote_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
)
_md.core.ruler.push("forum_mentions", _link_mentions)
_md.core.ruler.push("shift_headings", _shift_headings)
_md.add_render_rule("quote_open", _render_quote_open)
_md.add_render_rule("quote_close", _render_quote_close)


def render_post(source: str, links: PostLinks | None = None) -> Rendered:
    """Sanitised HTML of `source`, with the mentions and quotes it made into links."""
    env: dict = {"links": links}
    html = _md.render(source, env)
    html = _PROTOCOL_RELATIVE.sub(r'\1="#"', html)
    return Rendered(sanitize_html(html), env.get("mentions", []), env.get("quotes", []))


def render_markdown(source: str) -> str:
    return render_post(source).html


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
