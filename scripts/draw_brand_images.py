"""
Draws the two brand images that link previews and search engines use, into static/img/:

- publisher-logo.png (600×60): the wordmark, for the publisher of every NewsArticle.
  600×60 is the largest box Google's guidelines for a publisher logo allow.
- social-card.png (1200×630): the card shown when a page without an image of its own
  (home, sections, tags, authors) is shared.

    .venv/bin/python scripts/draw_brand_images.py

The files are committed: run this again only to change the design. Their sizes are
declared in reader/structured_data.py, and tests/test_social_cards.py checks them.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

STATIC_IMG = Path(__file__).resolve().parent.parent / "static" / "img"
NAME = "Screenmania"

# The site's palette (static/css/screenmania.css).
INK = (22, 22, 29)
NIGHT = (17, 17, 24)
ACCENT = (179, 18, 46)
ACCENT_LIGHT = (255, 77, 100)
WHITE = (255, 255, 255)
SOFT = (169, 169, 184)

# The serif the stylesheet falls back to on Linux; Pillow's own font if it is missing,
# so that the script runs anywhere (the result then looks plainer).
SERIF_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")


def font(size):
    if SERIF_BOLD.is_file():
        return ImageFont.truetype(str(SERIF_BOLD), size)
    return ImageFont.load_default(size)


def play_badge(draw, left, top, size):
    """The favicon: a white play triangle in a red rounded square."""
    draw.rounded_rectangle((left, top, left + size, top + size), radius=size * 6 // 32, fill=ACCENT)
    unit = size / 32
    draw.polygon(
        [
            (left + 11 * unit, top + 9 * unit),
            (left + 24 * unit, top + 16 * unit),
            (left + 11 * unit, top + 23 * unit),
        ],
        fill=WHITE,
    )


def wordmark(draw, left, baseline_box_top, size, colour, first_letter_colour):
    """The name with its first letter in the accent colour, as the site header shows it."""
    face = font(size)
    first, rest = NAME[0], NAME[1:]
    draw.text((left, baseline_box_top), first, font=face, fill=first_letter_colour)
    draw.text(
        (left + draw.textlength(first, font=face), baseline_box_top), rest, font=face, fill=colour
    )
    return draw.textlength(NAME, font=face)


def publisher_logo():
    width, height = 600, 60
    # Transparent with dark ink: search engines show publisher logos on white.
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    play_badge(draw, 0, 4, 52)
    text_size = 44
    top = (height - font(text_size).getbbox(NAME)[3]) // 2
    wordmark(draw, 66, top, text_size, INK, ACCENT)
    return image


def social_card():
    width, height = 1200, 630
    image = Image.new("RGB", (width, height), NIGHT)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - 18, width, height), fill=ACCENT)
    badge = 150
    text_size = 100
    face = font(text_size)
    text_width = draw.textlength(NAME, font=face)
    gap = 44
    left = (width - (badge + gap + text_width)) // 2
    top = (height - badge) // 2 - 20
    play_badge(draw, left, top, badge)
    text_top = top + (badge - face.getbbox(NAME)[3]) // 2
    wordmark(draw, left + badge + gap, text_top, text_size, WHITE, ACCENT_LIGHT)
    rule_top = top + badge + 56
    draw.rectangle((left, rule_top, left + badge + gap + text_width, rule_top + 3), fill=SOFT)
    return image


def main():
    STATIC_IMG.mkdir(parents=True, exist_ok=True)
    # optimize=True: the same drawing always gives the same bytes, and smaller ones.
    publisher_logo().save(STATIC_IMG / "publisher-logo.png", optimize=True)
    social_card().save(STATIC_IMG / "social-card.png", optimize=True)


if __name__ == "__main__":
    main()
