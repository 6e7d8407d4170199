"""
Texts written to make the Markdown pipeline slow or make it fail, as a hostile contributor
would: long runs of each delimiter, deep nesting of each construct, many openers never
closed. Shared by the tests (tests/test_hostile_text.py) and ``make bench-markup``.

Most are cut into blocks just under the pipeline's longest block and repeated up to just
under its longest text, the hardest place for the time budget; the issue's own samples
and a few others go past a limit on purpose, to be refused at once.
"""

from markup.rendering import BLOCK_MAX_CHARS, BODY_MAX_CHARS

# A block a little shorter than the longest one the pipeline takes.
BLOCK = BLOCK_MAX_CHARS - 100


def blocks(unit, block=BLOCK):
    """``unit`` repeated into blocks of ``block`` characters, as many as the text allows."""
    one = (unit * (block // len(unit) + 1))[:block]
    return "\n\n".join([one] * (BODY_MAX_CHARS // (block + 2)))


def nested(opener, depth, closer=""):
    return opener * depth + "texte" + closer * depth


def indented(prefix, depth, line="- point"):
    """One list item more deeply indented on each line, ``depth`` of them."""
    return "\n".join(prefix * level + line for level in range(depth))


PATHOLOGICAL_BODIES = {
    # The issue's own samples.
    "60,000 [": "[" * 60_000,
    "4,000 [": "[" * 4_000,
    "![]( run": "![](" * 2_000,
    "*a then a long run of *": "*a " * 30_000 + "b" + "*" * 30_000,
    "2,000 nested list items": indented("  ", 2_000),
    "1,500 nested spoilers": ":::spoiler\n" * 1_500 + "texte\n" + ":::\n" * 1_500,
    "3,000 unclosed spoilers": ":::spoiler\n\n" * 3_000,
    # Runs of each delimiter, in blocks just under the limit.
    "blocks of [": blocks("["),
    "blocks of ![](": blocks("![]("),
    "blocks of ![": blocks("!["),
    "blocks of [a](": blocks("[a]("),
    "blocks of [^": blocks("[^"),
    "blocks of [^ on lines": blocks("[^\n"),
    "blocks of ](": blocks("]("),
    "blocks of [(": blocks("[("),
    "blocks of [*": blocks("[*"),
    "blocks of **[": blocks("**["),
    "blocks of *[": blocks("*["),
    "blocks of [[ ]": blocks("[[ ]"),
    "blocks of `": blocks("`"),
    "blocks of `a``": blocks("`a``"),
    "blocks of *": blocks("*"),
    "blocks of *a": blocks("*a "),
    "blocks of _a": blocks("_a "),
    "blocks of **a": blocks("**a "),
    "blocks of *_": blocks("*_"),
    "blocks of ~~": blocks("~~a "),
    "blocks of &": blocks("&"),
    "blocks of &#": blocks("&#"),
    "blocks of \\": blocks("\\"),
    "blocks of straight quotes": blocks('"a '),
    "blocks of apostrophes": blocks("a'"),
    "blocks of guillemets": blocks("« "),
    "blocks of colons": blocks("a : "),
    "blocks of ?!": blocks("?!"),
    "blocks of )": blocks(")"),
    "an address ending in )": blocks("http://a.fr" + ")" * 200 + " "),
    "blocks of | lines": blocks("|\n"),
    "blocks of * lines": blocks("*\n\n"),
    "blocks of hard line breaks": blocks("a  \n"),
    "blocks of # headings": blocks("# a\n"),
    "blocks of setext headings": blocks("a\n=\n"),
    "blocks of rules": blocks("---\n"),
    "blocks of list items": blocks("- a\n"),
    "blocks of table rows": "|a|b|\n|-|-|\n" + blocks("|a|b|\n"),
    "a table 2,000 columns wide": "|" + "a|" * 2_000 + "\n|" + "-|" * 2_000 + "\n",
    # Nesting of each construct.
    "nested blockquotes": ">" * 9_000 + " texte",
    "blockquote deeper on each line": "\n".join("> " * level + "a" for level in range(140)),
    "nested ordered lists": indented("    ", 400, "1. point"),
    "nested emphasis": nested("*", 4_000, "*"),
    "nested strong": nested("**", 2_000, "**"),
    "nested links": nested("[", 3_000, "](b)"),
    "nested images": nested("![", 3_000, "](b)"),
    "lists in quotes": "> - " * 2_000 + "a",
    "quotes in lists": "- > " * 2_000 + "a",
    "spoilers in lists": indented("    ", 1_000, "- :::spoiler"),
    "nested spoilers in blocks": "\n\n".join([":::spoiler"] * 3_000 + [":::"] * 3_000),
    # Spoiler blocks within the limits, for pymdownx's blocks processor to lay out.
    "nested spoilers, one a block": "\n\n".join([":::spoiler"] * 2_000 + [":::"] * 2_000),
    "spoilers nested in quotes": "\n".join(
        ["> " * level + ":::spoiler" for level in range(1, 60)]
        + ["> " * level + ":::" for level in range(59, 0, -1)]
    ),
    "spoilers in nested list items": "\n".join(
        ["  " * level + "- :::spoiler" for level in range(60)]
        + ["  " * level + "  :::" for level in range(59, -1, -1)]
    ),
    "thousands of closed spoilers": ":::spoiler\na\n:::\n\n" * 2_200,
    "thousands of closing fences": ":::\n\n" * 7_900,
    "one spoiler around thousands of paragraphs": ":::spoiler\n\n" + "mot\n\n" * 7_000,
    "a spoiler's label as long as a block": ":::spoiler " + "a" * (BLOCK - 20) + "\ntexte\n:::",
    # Raw HTML, which Python's HTML parser and nh3 read.
    "nested div": nested("<div>", 5_000, "</div>"),
    "unclosed div": "<div>\n" * 9_000,
    "tags never closed by >": "<a " * 18_000,
    "unclosed comments": "<!--" * 12_000,
    "autolinks never closed": "<http://" * 6_000,
    "addresses never closed": "<a@" * 18_000,
    # Many of the constructs a text may hold.
    "many code fences": "```\na\n```\n" * 3_000,
    "many reference definitions": "".join(f"[r{n}]: https://a.fr/{n}\n" for n in range(2_000)),
    "many footnotes": "".join(f"Note[^{n}].\n\n[^{n}]: Texte.\n\n" for n in range(1_800)),
    "many library images": "![](image:1)\n\n" * 3_000,
    "many trailers": "@[Bande-annonce](https://www.youtube.com/watch?v=dQw4w9WgXcQ)\n\n" * 900,
    "the same heading repeated": "\n\n".join(["## Titre"] * 5_000),
    "a word as long as the longest text": "a" * BODY_MAX_CHARS,
    "one character too many": "a" * (BODY_MAX_CHARS + 1),
}
