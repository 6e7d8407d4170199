"""
Whatever an editor types, the stored body holds no script, no active URL, no style.

Each hostile input goes through the whole pipeline (Markdown, typography, nh3), and the
output is parsed with a real HTML parser rather than searched for strings.
"""

import html
import re
from html.parser import HTMLParser

import pytest

from markup.rendering import render

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "style", "svg", "math", "form", "input", "button",
    "textarea", "select", "base", "meta", "link", "frame", "frameset", "applet", "noscript",
    "template", "video", "audio", "source", "marquee", "isindex", "body", "html", "head",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "xlink:href", "data", "poster",
    "background", "cite", "longdesc", "lowsrc", "dynsrc", "codebase", "content",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# What a browser ignores when it reads a URL's scheme.
IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))


def parse(output):
    collector = ElementCollector()
    collector.feed(output)
    collector.close()
    return collector.elements


def assert_harmless(output):
    for tag, attrs in parse(output):
        assert tag not in FORBIDDEN_TAGS, f"<{tag}> in {output!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"{name} on <{tag}> in {output!r}"
            assert name != "style", f"style on <{tag}> in {output!r}"
            if name in URL_ATTRIBUTES and value is not None:
                url = IGNORED_IN_URL.sub("", html.unescape(value)).lower()
                assert not url.startswith(DANGEROUS_SCHEMES), f"{name}={value!r} in {output!r}"


HOSTILE_INPUTS = [
    # Script elements, in every case and shape.
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    '<ScRiPt src="https://evil.example/x.js"></ScRiPt>',
    '<script/xss src="https://evil.example/x.js"></script>',
    "<<script>alert(1);//<</script>",
    "<script>alert(1)",
    "Texte\n\n<script>\nalert(1)\n</script>\n\nSuite",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    '<img src="x" onerror="alert(1)"',
    "<img src=x onerror\t=\talert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>Détails</details>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>défilement</marquee>",
    '<a href="https://example.com" onmouseover="alert(1)">lien</a>',
    "<h2 onclick=alert(1)>Titre</h2>",
    "## <img src=x onerror=alert(1)> Titre",
    "[<img src=x onerror=alert(1)>](https://example.com)",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | 2 |",
    "Note[^1]\n\n[^1]: <script>alert(1)</script><img src=x onerror=alert(1)>",
    # Dangerous schemes in attributes.
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="javas\tcript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="jav&Tab;ascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<img src=javascript:alert(1)>",
    "<img src=`javascript:alert(1)`>",
    '<img srcset="javascript:alert(1) 1x">',
    '<button formaction="javascript:alert(1)">x</button>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<blockquote cite="javascript:alert(1)">citation</blockquote>',
    # Embedding, redirecting and form elements.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>Envoyer</button></form>',
    '<isindex action="javascript:alert(1)" type=submit>',
    # Styles.
    '<style>body { background: url("javascript:alert(1)") }</style>',
    '<div style="width: expression(alert(1))">x</div>',
    '<p style="background-image: url(javascript:alert(1))">x</p>',
    '<a href="https://example.com" style="position:fixed;top:0;left:0;width:100%">x</a>',
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">clic</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math href="javascript:alert(1)">clic</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # Comments, CDATA and parser-confusion (mXSS) tricks.
    "<!--<img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    "<xmp><script>alert(1)</script></xmp>",
    '<p title="<img src=x onerror=alert(1)>">texte</p>',
    # Markdown's own link and image syntax.
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    '[x](javascript:alert(1) "titre")',
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x][hostile]\n\n[hostile]: javascript:alert(1)",
    "[x][hostile]\n\n[hostile]: data:text/html;base64,PHNjcmlwdD4=",
    "![x][hostile]\n\n[hostile]: vbscript:msgbox(1)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
]


@pytest.mark.parametrize("source", HOSTILE_INPUTS)
def test_hostile_input_is_harmless(source):
    assert_harmless(render(source).html)


def test_there_are_enough_hostile_inputs():
    assert len(set(HOSTILE_INPUTS)) >= 45


@pytest.mark.parametrize(
    "source",
    ["<script>alert('volé')</script>", "<style>p { color: red }</style>", "<svg><text>volé</text>"],
)
def test_script_style_and_svg_content_is_dropped(source):
    output = render("Avant\n\n" + source + "\n\nAprès").html
    assert "volé" not in output
    assert "color" not in output
    assert "Avant" in output and "Après" in output


def test_harmless_content_of_stripped_element_is_kept():
    output = render('Un <span class="x">mot</span> et un <font color="red">autre</font>.').html
    assert parse(output) == [("p", [])]
    assert "mot" in output and "autre" in output


@pytest.mark.parametrize(
    "element", ["span", "font", "dialog", "xmp", "plaintext", "noembed", "portal", "fiche-film"]
)
def test_an_element_markdown_does_not_write_is_dropped(element):
    output = render(f"Un <{element} open>mot</{element}> de plus.").html
    assert {tag for tag, _attrs in parse(output)} == {"p"}
    assert "de plus" in output


def test_class_other_than_footnote_classes_is_dropped():
    output = render(
        '<p class="admin-banner">x</p>\n\n```python\nx = 1\n```\n\nNote[^1]\n\n[^1]: Source.'
    ).html
    classes = [value for _, attrs in parse(output) for name, value in attrs if name == "class"]
    assert sorted(classes) == ["footnote", "footnote-backref", "footnote-ref"]


def test_ids_are_kept_only_in_the_shapes_the_pipeline_produces():
    output = render(
        '<p id="location">a</p>\n\n<img src="/x.png" id="cookie" name="cookie">\n\n'
        '<h2 id="a b">raw</h2>\n\n## Le générique'
    ).html
    ids = [value for _, attrs in parse(output) for name, value in attrs if name in {"id", "name"}]
    assert ids == ["le-generique"]


# What survives: the markup a magazine body needs.


def elements(output, tag):
    return [dict(attrs) for name, attrs in parse(output) if name == tag]


def test_headings_keep_their_ids():
    output = render("## Le casting\n\n### Les seconds rôles").html
    assert elements(output, "h2") == [{"id": "le-casting"}]
    assert elements(output, "h3") == [{"id": "les-seconds-roles"}]


def test_links_are_kept_with_rel_noopener():
    output = render(
        'Voir [le site](https://example.com/film "Le site"), [la page](/rubrique/cinema/), '
        "[la suite](#le-casting) et [la rédaction](mailto:redaction@example.com)."
    ).html
    assert elements(output, "a") == [
        {"href": "https://example.com/film", "title": "Le site", "rel": "noopener noreferrer"},
        {"href": "/rubrique/cinema/", "rel": "noopener noreferrer"},
        {"href": "#le-casting", "rel": "noopener noreferrer"},
        {"href": "mailto:redaction@example.com", "rel": "noopener noreferrer"},
    ]


def test_images_keep_source_alternative_and_size():
    output = render(
        '![Affiche du film](/media/affiche.jpg "Affiche")\n\n'
        '<img src="https://cdn.example.com/a.jpg" alt="A" width="640" height="360" '
        'srcset="b.jpg 2x" loading="lazy">'
    ).html
    assert elements(output, "img") == [
        {"src": "/media/affiche.jpg", "alt": "Affiche du film", "title": "Affiche"},
        {"src": "https://cdn.example.com/a.jpg", "alt": "A", "width": "640", "height": "360"},
    ]


def test_table_keeps_its_structure_and_alignment_without_style():
    output = render("| Film | Entrées |\n|:-----|--------:|\n| Dune | 3 000 |").html
    tags = [tag for tag, _ in parse(output)]
    assert tags == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert elements(output, "th") == [{"align": "left"}, {"align": "right"}]


def test_footnote_markup_is_kept():
    output = render("Un chiffre[^source].\n\n[^source]: Selon le CNC.").html
    assert elements(output, "sup") == [{"id": "fnref:source"}]
    assert {"class": "footnote"} in elements(output, "div")
    links = elements(output, "a")
    assert links[0]["class"] == "footnote-ref" and links[0]["href"] == "#fn:source"
    assert links[1]["class"] == "footnote-backref" and links[1]["href"] == "#fnref:source"
    assert {"id": "fn:source"} in elements(output, "li")


def test_quotes_lists_and_inline_markup_are_kept():
    output = render(
        "> Une citation *célèbre*.\n\n- un\n- deux\n\n3. trois\n4. quatre\n\n"
        '**gras**, ~~rien~~ <del>barré</del>, H<sub>2</sub>O, <abbr title="Centre national '
        'du cinéma">CNC</abbr>, `code`\n\n---\n\n'
        '<figure><img src="/a.jpg" alt="a"><figcaption>Légende</figcaption></figure>'
    ).html
    tags = [tag for tag, _ in parse(output)]
    for tag in ("blockquote", "em", "ul", "li", "ol", "strong", "del", "sub", "abbr", "code",
                "hr", "figure", "figcaption"):  # fmt: skip
        assert tag in tags
    assert elements(output, "ol") == [{"start": "3"}]
    assert elements(output, "abbr") == [{"title": "Centre national du cinéma"}]


def test_empty_body_renders_nothing():
    assert render("").html == ""
    assert render(None).html == ""
