"""
The Markdown pipeline: Markdown -> HTML -> French typography -> nh3.

Run once when an article is saved; pages print the stored result.
(Placeholder until the full pipeline lands.)
"""

import html
import math
import re

import markdown
import nh3

WORDS_PER_MINUTE = 230


def french_typography(text):
    return text


def render_markdown(source):
    return nh3.clean(markdown.markdown(source or ""))


def reading_time(html_text):
    words = len(re.findall(r"\w+", html.unescape(re.sub(r"<[^>]+>", " ", html_text or ""))))
    return max(1, math.floor(words / WORDS_PER_MINUTE + 0.5))
