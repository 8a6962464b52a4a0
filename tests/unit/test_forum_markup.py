"""Markdown for posts: mentions, quotes, and the property that no script survives."""

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.markup import PostLinks, mention_candidates, quote_block, render_markdown, render_post

LINKS = PostLinks(
    mention_urls={"claire": "/u/claire", "bob": "/u/bob"},
    post_url=lambda topic_id, number: f"/t/sujet/{topic_id}/{number}",
    topic_id=7,
)


def test_mention_of_a_member_links_to_their_profile():
    rendered = render_post("Merci @Claire et @inconnu !", LINKS)
    assert '<a href="/u/claire" class="mention"' in rendered.html
    assert "@inconnu" in rendered.html and "/u/inconnu" not in rendered.html
    assert rendered.mentions == ["claire"]


def test_mentions_in_code_emails_and_links_are_left_alone():
    rendered = render_post(
        "`@claire` a@claire.fr [@bob](https://example.org)\n\n    @claire", LINKS
    )
    assert 'class="mention"' not in rendered.html
    assert rendered.mentions == []


def test_candidates_are_every_at_name():
    assert mention_candidates("@Claire, @bob. et @x") == {"claire", "bob"}


def test_quote_links_back_to_the_quoted_post():
    rendered = render_post(
        '[quote="claire, post:3"]\nUn passage **important**\n[/quote]\n\nJe réponds.', LINKS
    )
    assert '<aside class="quote" data-post="3">' in rendered.html
    assert '<a href="/t/sujet/7/3"' in rendered.html
    assert "<strong>important</strong>" in rendered.html
    assert rendered.quotes[0].username == "claire"
    assert (rendered.quotes[0].topic_id, rendered.quotes[0].post_number) == (7, 3)


def test_quote_of_another_topic_and_nested_quotes():
    source = (
        '[quote="bob, post:2, topic:9"]\nexterne\n'
        '[quote="claire, post:1"]\ninterne\n[/quote]\n[/quote]'
    )
    rendered = render_post(source, LINKS)
    assert rendered.html.count("<aside") == 2
    assert "/t/sujet/9/2" in rendered.html and "/t/sujet/7/1" in rendered.html


def test_a_mention_inside_a_quote_notifies_nobody():
    rendered = render_post('[quote="bob, post:2"]\n@claire a dit\n[/quote]\n\n@bob', LINKS)
    assert rendered.mentions == ["bob"]


def test_quote_block_round_trips():
    rendered = render_post(quote_block("claire", 4, 7, "Texte cité\n"), LINKS)
    assert rendered.quotes[0].post_number == 4 and "Texte cité" in rendered.html


def test_quote_marker_inside_a_code_fence_is_code():
    html = render_markdown('```\n[quote="x"]\n```')
    assert "<aside" not in html and "[quote=" in html


ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](  javascript:alert(1))",
    "![img](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    "<iframe src=//evil></iframe>",
    '[quote="x\\" onmouseover=\\"alert(1), post:1"]\ny\n[/quote]',
    '[quote="<script>alert(1)</script>, post:2"]\nz\n[/quote]',
    "[a](//evil.example/x)",
    "<<script>script>alert(1)<</script>/script>",
    "`<script>`",
    "[x](vbscript:msgbox(1))",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '@claire" onclick="alert(1)',
    "[x](&#106;avascript:alert(1))",
]


class _Tags(HTMLParser):
    """Every tag and attribute the browser would see in the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


SCRIPT_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "form",
    "input",
    "base",
}


def _executable(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    problems = []
    for tag, attrs in parser.tags:
        if tag in DANGEROUS_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"{name}= handler")
            if name == "style":
                problems.append("style attribute")
            if name in ("href", "src") and value and SCRIPT_URL.match("".join(value.split())):
                problems.append(f"{name}={value}")
    if "<script" in html.lower():
        problems.append("script text")
    return problems


def test_known_attacks_are_neutralised():
    for attack in ATTACKS:
        html = render_post(attack, LINKS).html
        assert _executable(html) == [], (attack, html)


PIECES = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<img src=x ",
        "onerror=",
        "onload=",
        "javascript:",
        "JaVaScRiPt:",
        "style=",
        '"',
        "'",
        ">",
        "<",
        "[",
        "](",
        ")",
        "![",
        "@claire",
        '[quote="',
        "[/quote]",
        "\n",
        "`",
        "<a href=",
        "data:text/html,",
        "&#x6A;",
        "//",
        " ",
        "**",
        "<div ",
        "<svg/",
        "&",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=30).map("".join))
def test_generated_markdown_never_carries_an_executable_script(source):
    html = render_post(source, LINKS).html
    assert _executable(html) == [], (source, html)


def test_written_headings_sit_below_the_page_headings():
    from app.markup import render_markdown

    html = render_markdown("# Titre\n\n## Partie\n\n###### Détail")
    assert "<h1>" not in html and "<h2>" not in html
    assert "<h3>Titre</h3>" in html and "<h4>Partie</h4>" in html and "<h6>Détail</h6>" in html
