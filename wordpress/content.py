"""
WordPress's post HTML turned into the Markdown our editors write.

Paragraphs from bare newlines as WordPress's wpautop() makes them, Gutenberg's block
comments dropped, [caption], [gallery] and [embed] shortcodes and bare video lines made
into our figures (``![alt](image:N "caption")``) and trailers (``@[Label](URL)``), then
the HTML converted to Markdown. What cannot be carried over is kept visible and listed
in ``problems``, one short French sentence each, for the import's report.
"""

from dataclasses import dataclass, field


@dataclass
class Converted:
    markdown: str
    # The library images the text refers to, in order, each once.
    image_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def to_markdown(html, *, image_for):
    """Convert one post's content.

    ``image_for(url=None, attachment_id=None)`` returns the ``images.Image`` id for a
    WordPress upload's address or attachment id, or None when the library has none.
    """
    raise NotImplementedError
