"""
Illustrations for the demo magazine, drawn with Pillow at load time so the
repository holds no binary image: featured images (1600×900), author
avatars (400×400) and the posters of films and series (800×1200).

Every drawing is seeded from a stable string (an article's slug), so the same
article gets the same picture on every run and every machine. Each function
returns the JPEG bytes and a French description of what was drawn, used as the
image's alt text.
"""

import functools
import hashlib
import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FEATURED_SIZE = (1600, 900)
AVATAR_SIZE = (400, 400)
# Shapes are drawn at twice the size then reduced: ImageDraw does not
# anti-alias, and halving is the cheapest way to smooth every edge at once.
SUPERSAMPLE = 2


def _rgb(hex_code):
    hex_code = hex_code.lstrip("#")
    return tuple(int(hex_code[i : i + 2], 16) for i in (0, 2, 4))


@dataclass(frozen=True)
class Palette:
    background_name: str  # French, for alt text: "bleu nuit"
    accent_name: str  # French, for alt text: "orange"
    sky: tuple
    ground: tuple
    accent: tuple
    accent2: tuple
    light: tuple
    ink: tuple

    @property
    def words(self):
        return f"{self.background_name} et {self.accent_name}"


def _palette(background_name, accent_name, sky, ground, accent, accent2, light, ink):
    return Palette(
        background_name,
        accent_name,
        *(_rgb(code) for code in (sky, ground, accent, accent2, light, ink)),
    )


PALETTES = [
    _palette(
        "bleu nuit", "orange", "#14213d", "#0b1020", "#fb8b24", "#e36414", "#ffe8c2", "#05070d"
    ),
    _palette("bordeaux", "or", "#5c1a2b", "#24070f", "#e9b949", "#c0392b", "#fdf0d5", "#140307"),
    _palette(
        "bleu sarcelle", "corail", "#0f4c5c", "#062a33", "#ff6f59", "#f4a259", "#f1fffa", "#021419"
    ),
    _palette(
        "violet", "rose néon", "#3c1a6e", "#140a2e", "#ff4fa3", "#4cc9f0", "#fbeaff", "#0a0418"
    ),
    _palette(
        "vert sapin", "ambre", "#1b4332", "#081c15", "#f4a261", "#e9c46a", "#fefae0", "#040e0a"
    ),
    _palette(
        "gris ardoise", "cyan", "#2b3340", "#10141b", "#38d6e8", "#f7b32b", "#eef6fb", "#06080c"
    ),
    _palette("noir", "rouge", "#26232b", "#09080b", "#e63946", "#f1a208", "#f8f1e5", "#020203"),
    _palette("indigo", "pêche", "#283593", "#0d1137", "#ffab91", "#ffd54f", "#fff8f0", "#05071a"),
]


def seeded_random(key):
    """A random generator that depends only on ``key``, whatever the process."""
    # hash() is salted per process; a digest gives the same seed everywhere.
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return random.Random(seed)  # noqa: S311 (drawings, not secrets)


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _alpha(color, alpha):
    return (*color, alpha)


@functools.cache
def _font(size):
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        # Pillow ships a scalable font of its own for machines without DejaVu.
        return ImageFont.load_default(size)


def text_width(text, size, tracking=0):
    """The logical width of ``text`` set at ``size``, letters spread ``tracking`` apart."""
    font = _font(round(size * SUPERSAMPLE))
    letters = sum(font.getlength(letter) for letter in text) if tracking else font.getlength(text)
    return letters / SUPERSAMPLE + tracking * max(len(text) - 1, 0)


class Pen:
    """Draws in the logical coordinates of the picture, whatever the scale of the canvas."""

    def __init__(self, image, scale):
        self.image = image
        self.scale = scale
        self.draw = ImageDraw.Draw(image, "RGBA" if image.mode == "RGB" else None)

    def _points(self, points):
        return [(x * self.scale, y * self.scale) for x, y in points]

    def _box(self, box):
        return [v * self.scale for v in box]

    def polygon(self, points, fill):
        self.draw.polygon(self._points(points), fill=fill)

    def rect(self, box, fill, radius=0):
        self.draw.rounded_rectangle(self._box(box), radius * self.scale, fill=fill)

    def ellipse(self, box, fill=None, outline=None, width=1):
        self.draw.ellipse(
            self._box(box), fill=fill, outline=outline, width=round(width * self.scale)
        )

    def circle(self, center, radius, fill=None, outline=None, width=1):
        x, y = center
        self.ellipse((x - radius, y - radius, x + radius, y + radius), fill, outline, width)

    def line(self, points, fill, width=1):
        self.draw.line(
            self._points(points), fill=fill, width=round(width * self.scale), joint="curve"
        )

    def text(self, xy, text, size, fill, anchor="mm"):
        font = _font(round(size * self.scale))
        self.draw.text(self._points([xy])[0], text, font=font, fill=fill, anchor=anchor)

    def spaced_text(self, center, text, size, fill, tracking):
        """``text`` centred on ``center``, letters spread ``tracking`` apart, as on posters."""
        font = _font(round(size * self.scale))
        x = center[0] - text_width(text, size, tracking) / 2
        for letter in text:
            self.draw.text(
                self._points([(x, center[1])])[0], letter, font=font, fill=fill, anchor="lm"
            )
            x += font.getlength(letter) / self.scale + tracking


class Sketch:
    """A canvas with a gradient background, light layers, grain and a vignette."""

    def __init__(self, size, palette, rng, top=None, bottom=None):
        self.width, self.height = size
        self.palette = palette
        self.rng = rng
        self.canvas_size = (self.width * SUPERSAMPLE, self.height * SUPERSAMPLE)
        self.image = vertical_gradient(
            self.canvas_size, top or palette.sky, bottom or palette.ground
        )
        self.pen = Pen(self.image, SUPERSAMPLE)

    def light(self, color, blur, strength, shapes):
        """Adds a soft glow: ``shapes(pen)`` draws white where the light is brightest."""
        # Drawn small and blurred small, then enlarged: a glow has no detail to lose.
        factor = 8
        mask = Image.new("L", (self.width // factor, self.height // factor))
        shapes(Pen(mask, 1 / factor))
        mask = mask.filter(ImageFilter.GaussianBlur(blur / factor))
        mask = mask.point(lambda v: round(v * strength))
        mask = mask.resize(self.canvas_size, Image.Resampling.BILINEAR)
        box = mask.getbbox()
        if box:
            self.image.paste(color, box, mask.crop(box))

    def paste(self, layer, position):
        """Composites a layer drawn at the canvas scale, at a logical position."""
        x, y = position
        mask = layer if layer.mode == "RGBA" else None
        self.image.paste(layer, (round(x * SUPERSAMPLE), round(y * SUPERSAMPLE)), mask)

    def finish(self, grain=True, vignette=0.55, band=None):
        """
        The picture at its logical size, or with ``band`` = (top, height) the strip of
        the canvas between those logical heights, kept at the canvas's full resolution.
        """
        if band:
            top, height = (round(value * SUPERSAMPLE) for value in band)
            image = self.image.crop((0, top, self.canvas_size[0], top + height))
        else:
            image = self.image.reduce(SUPERSAMPLE)
        if vignette:
            edges = _vignette(image.size).point(lambda v: round(v * vignette))
            image.paste(self.palette.ink, mask=edges)
        if grain:
            image = ImageChops.soft_light(image, _grain(image.size))
        return image


@functools.cache
def _vignette(size):
    edges = Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return edges.point(lambda v: round(min(255, max(0, v - 90) * 1.5)))


@functools.cache
def _grain(size):
    # The same film grain on every picture: noise costs more to draw than it
    # is worth varying.
    return Image.effect_noise(size, 14).convert("RGB")


def vertical_gradient(size, top, bottom):
    column = Image.new("RGB", (1, 256))
    column.putdata([_mix(top, bottom, i / 255) for i in range(256)])
    # Stretching one column is many times faster than blending two full images.
    column = column.resize((1, size[1]), Image.Resampling.BILINEAR)
    return column.resize(size, Image.Resampling.NEAREST)


def landscape(size, palette, rng):
    """A little sunset scene: the 'film' shown on screens, strips and posters."""
    width, height = size
    scale = SUPERSAMPLE
    top = _mix(palette.accent2, palette.sky, rng.uniform(0.1, 0.5))
    image = vertical_gradient((width * scale, height * scale), top, palette.light)
    pen = Pen(image, scale)
    horizon = height * rng.uniform(0.55, 0.7)
    sun_x = width * rng.uniform(0.25, 0.75)
    sun_radius = height * rng.uniform(0.13, 0.2)
    pen.circle((sun_x, horizon - sun_radius * 0.3), sun_radius, fill=_alpha(palette.accent, 235))
    for layer in range(3):
        shade = _mix(palette.sky, palette.ink, 0.25 + layer * 0.25)
        base = horizon + layer * height * 0.1
        amplitude = height * rng.uniform(0.04, 0.1)
        phase = rng.uniform(0, math.tau)
        frequency = rng.uniform(1.5, 3.5)
        points = [
            (x, base - amplitude * math.sin(phase + frequency * math.tau * x / width))
            for x in range(0, width + 10, max(4, width // 40))
        ]
        pen.polygon([(0, height), *points, (width, height)], fill=shade)
    return image


# Motifs: each draws on a Sketch and returns the French description of the scene.


def motif_screen(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    left, top, right, bottom = 300, 90, 1300, 500
    sketch.light(p.accent, 160, 0.55, lambda g: g.rect((left, top, right, bottom), 255))
    sketch.light(
        p.light,
        60,
        0.22,
        lambda g: g.polygon([(760, -40), (840, -40), (right, bottom), (left, bottom)], 255),
    )
    pen.rect((left - 14, top - 14, right + 14, bottom + 14), _alpha(p.ink, 255), 6)
    sketch.paste(landscape((right - left, bottom - top), p, rng), (left, top))
    rows = [(600, 74), (668, 96), (752, 124), (858, 160)]
    for row, (y, seat) in enumerate(rows):
        shade = _mix(p.ink, p.ground, 0.5 - row * 0.15)
        offset = rng.uniform(0, seat)
        x = -offset
        while x < 1600:
            pen.rect((x + 4, y, x + seat - 4, y + seat * 1.2), shade, seat * 0.2)
            pen.line([(x + 10, y + 2), (x + seat - 10, y + 2)], _alpha(p.accent, 70), 2)
            if rng.random() < 0.55:
                radius = seat * 0.3
                cx = x + seat / 2 + rng.uniform(-6, 6)
                cy = y - radius * 0.6
                pen.circle((cx, cy), radius, fill=_mix(p.ink, p.ground, 0.3 - row * 0.08))
                pen.draw.arc(
                    pen._box((cx - radius, cy - radius, cx + radius, cy + radius)),
                    200,
                    340,
                    fill=_alpha(p.accent, 110),
                    width=3,
                )
            x += seat
    return (
        "une salle de cinéma vue des derniers rangs, où des silhouettes de spectateurs font face "
        "à un grand écran sur lequel un soleil se couche derrière des collines"
    )


def _film_strip(length, height, palette, rng):
    scale = SUPERSAMPLE
    layer = Image.new("RGBA", (length * scale, height * scale))
    pen = Pen(layer, scale)
    pen.rect((0, 0, length, height), _alpha(palette.ink, 250))
    hole_w, hole_h, margin = height * 0.07, height * 0.09, height * 0.06
    x = hole_w
    while x < length:
        for y in (margin, height - margin - hole_h):
            pen.rect((x, y, x + hole_w, y + hole_h), (0, 0, 0, 0), hole_w * 0.3)
        x += hole_w * 2.4
    frame_h = height - 2 * (margin * 2 + hole_h)
    frame_w = frame_h * 1.45
    x = rng.uniform(-frame_w, 0)
    while x < length:
        frame = landscape((round(frame_w), round(frame_h)), palette, rng).convert("RGBA")
        layer.paste(frame, (round(x * scale), round((margin * 2 + hole_h) * scale)))
        x += frame_w + height * 0.08
    return layer


def motif_film_strip(sketch):
    p, rng = sketch.palette, sketch.rng
    sketch.light(p.accent, 220, 0.8, lambda g: g.circle((rng.uniform(500, 1100), 420), 330, 255))
    sketch.light(p.accent2, 180, 0.45, lambda g: g.circle((1450, 120), 220, 255))
    for angle, height, center_y in (
        (rng.uniform(8, 14), 250, 300),
        (rng.uniform(-16, -9), 300, 610),
    ):
        strip = _film_strip(1900, height, p, rng).rotate(
            angle, resample=Image.Resampling.BILINEAR, expand=True
        )
        width, tall = (v / SUPERSAMPLE for v in strip.size)
        sketch.paste(strip, (800 - width / 2, center_y - tall / 2))
    return (
        "deux pellicules de film qui se croisent en diagonale, chaque image montrant un coucher "
        "de soleil sur des collines, devant un halo lumineux"
    )


def motif_clapperboard(sketch):
    p, rng = sketch.palette, sketch.rng
    sketch.light(p.accent, 200, 0.75, lambda g: g.circle((820, 470), 340, 255))
    scale = SUPERSAMPLE
    board_w, board_h, bar_h = 660, 430, 86
    size = (board_w + 200, board_h + 340)
    layer = Image.new("RGBA", (size[0] * scale, size[1] * scale))
    pen = Pen(layer, scale)
    x0, y0 = 100, 200
    body_top = y0 + bar_h
    chalk = _alpha(p.light, 200)
    pen.rect((x0, body_top, x0 + board_w, body_top + board_h), _alpha(p.ink, 255), 18)
    pen.line([(x0 + 30, body_top + 150), (x0 + board_w - 30, body_top + 150)], chalk, 4)
    pen.line([(x0 + 30, body_top + 290), (x0 + board_w - 30, body_top + 290)], chalk, 4)
    pen.line([(x0 + board_w / 2, body_top + 150), (x0 + board_w / 2, body_top + 290)], chalk, 4)
    pen.text((x0 + board_w / 2, body_top + 80), "SCREENMANIA", 58, chalk)
    pen.text((x0 + 60, body_top + 185), "SCÈNE", 26, chalk, anchor="lm")
    pen.text((x0 + board_w / 2 + 30, body_top + 185), "PRISE", 26, chalk, anchor="lm")
    pen.text((x0 + board_w / 4, body_top + 240), str(rng.randint(2, 48)), 58, chalk)
    pen.text((x0 + board_w * 3 / 4, body_top + 240), str(rng.randint(1, 9)), 58, chalk)
    pen.text((x0 + 60, body_top + 360), "RÉAL.", 26, chalk, anchor="lm")
    pen.line(
        [(x0 + 170, body_top + 372), (x0 + board_w - 60, body_top + 372)], _alpha(p.light, 90), 3
    )

    bar = Image.new("RGBA", (board_w * scale, bar_h * scale))
    bar_pen = Pen(bar, scale)
    bar_pen.rect((0, 0, board_w, bar_h), _alpha(p.light, 255), 10)
    step = 110
    for i in range(-1, board_w // step + 2):
        sx = i * step
        bar_pen.polygon(
            [(sx, 0), (sx + step / 2, 0), (sx + step / 2 + 40, bar_h), (sx + 40, bar_h)],
            _alpha(p.ink, 255),
        )
    # The stripes spill past the rounded ends; the bar's own outline trims them.
    outline = Image.new("L", bar.size)
    Pen(outline, scale).rect((0, 0, board_w, bar_h), 255, 10)
    bar.putalpha(outline)
    layer.alpha_composite(bar, (x0 * scale, y0 * scale))
    # The jaw, striped the same, opened around the hinge at its left end.
    jaw = Image.new("RGBA", layer.size)
    jaw.alpha_composite(bar, (x0 * scale, (y0 - bar_h - 6) * scale))
    jaw = jaw.rotate(
        rng.uniform(14, 24), resample=Image.Resampling.BILINEAR, center=(x0 * scale, y0 * scale)
    )
    layer.alpha_composite(jaw)
    pen.circle((x0 + 20, y0), 14, fill=_alpha(p.accent2, 255))
    tilt = rng.uniform(-9, -4)
    layer = layer.rotate(tilt, resample=Image.Resampling.BILINEAR, expand=True)
    sketch.light(p.ink, 60, 0.7, lambda g: g.ellipse((560, 740, 1100, 820), 255))
    width, height = (v / SUPERSAMPLE for v in layer.size)
    sketch.paste(layer, (820 - width / 2, 450 - height / 2))
    return (
        "un clap de cinéma entrouvert, à bandes noires et claires, avec « SCREENMANIA », "
        "« SCÈNE » et « PRISE » écrits à la craie, devant un halo de lumière"
    )


def _leaf(center, length, width, angle):
    cx, cy = center
    cos, sin = math.cos(angle), math.sin(angle)
    points = []
    for i in range(16):
        t = math.tau * i / 16
        x, y = length / 2 * math.cos(t), width / 2 * math.sin(t)
        points.append((cx + x * cos - y * sin, cy + x * sin + y * cos))
    return points


def motif_spotlights(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    for _ in range(90):
        x, y = rng.uniform(0, 1600), rng.uniform(0, 480)
        pen.circle((x, y), rng.uniform(0.8, 2.4), fill=_alpha(p.light, rng.randint(60, 200)))
    beams = []
    for i, base_x in enumerate((180, 560, 1040, 1420)):
        lean = rng.uniform(-0.45, 0.45) + (0.25 if i < 2 else -0.25)
        tip_x = base_x + lean * 1200
        beams.append([(base_x - 10, 900), (base_x + 10, 900), (tip_x + 70, -60), (tip_x - 70, -60)])

    def draw_beams(g):
        for beam in beams:
            g.polygon(beam, 255)

    sketch.light(p.accent2, 200, 0.3, draw_beams)
    sketch.light(p.light, 30, 0.35, draw_beams)
    # A red carpet to the stage, in perspective.
    pen.rect((0, 610, 1600, 900), _alpha(p.ink, 150))
    carpet = _mix((176, 26, 44), p.accent, 0.15)
    pen.polygon([(700, 615), (900, 615), (1260, 900), (340, 900)], carpet)
    pen.polygon([(700, 615), (900, 615), (910, 630), (690, 630)], _alpha(p.light, 60))
    for side in (-1, 1):
        posts = [(800 + side * (120 + k * 120), 640 + k * 75) for k in range(4)]
        rope = []
        for x, y in posts:
            height = 40 + (y - 640) * 0.45
            pen.rect((x - 4, y - height, x + 4, y), _alpha(p.accent2, 230), 3)
            pen.circle((x, y - height), 9 + (y - 640) * 0.05, fill=_alpha(p.accent2, 255))
            rope.append((x, y - height + 12))
        pen.line(rope, _alpha(p.accent, 200), 6)
    # A laurel wreath above the stage: two branches rising from its foot.
    cx, cy, radius = 800, 290, 140
    for side in (-1, 1):
        stem = []
        for k in range(11):
            phi = math.radians(80 - k * 12.5)
            stem.append((cx + side * radius * math.cos(phi), cy + radius * math.sin(phi)))
        pen.line(stem, _alpha(p.light, 235), 5)
        for k in range(1, 11):
            (xa, ya), (xb, yb) = stem[k - 1], stem[k]
            direction = math.atan2(yb - ya, xb - xa)
            length, width = 60 - k * 2.5, 22 - k * 0.9
            for offset in (-0.6, 0.6):
                angle = direction + offset
                center = (
                    xb + math.cos(angle) * length * 0.45,
                    yb + math.sin(angle) * length * 0.45,
                )
                pen.polygon(_leaf(center, length, width, angle), _alpha(p.light, 235))
    for _ in range(60):
        x, y = rng.uniform(200, 1400), rng.uniform(60, 600)
        color = rng.choice((p.accent, p.accent2, p.light))
        pen.rect((x, y, x + rng.uniform(5, 12), y + rng.uniform(3, 7)), _alpha(color, 190), 1)
    return (
        "une soirée de festival, avec un tapis rouge bordé de cordons qui mène sous une couronne "
        "de laurier, des projecteurs qui balaient un ciel étoilé et des confettis"
    )


def motif_tv_grid(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    cell_w, cell_h, gap, left, top = 240, 150, 26, 148, 70
    screens = [(0, 0, 2, 2)] + [
        (c, r, 1, 1) for r in range(3) for c in range(5) if not (c < 2 and r < 2)
    ]
    sketch.light(p.accent, 180, 0.5, lambda g: g.rect((left, top, 1600 - left, 580), 255))
    for col, row, cols, rows in screens:
        x = left + col * (cell_w + gap)
        y = top + row * (cell_h + gap)
        w = cols * cell_w + (cols - 1) * gap
        h = rows * cell_h + (rows - 1) * gap
        pen.rect((x - 8, y - 8, x + w + 8, y + h + 8), _alpha(p.ink, 255), 12)
        tint = dict(p.__dict__)
        shift = rng.uniform(0, 0.6)
        tint["accent2"] = _mix(p.accent2, p.sky, shift)
        tint["accent"] = p.accent if rng.random() < 0.6 else p.accent2
        scene = landscape((w, h), Palette(**tint), rng)
        if (cols, rows) == (1, 1) and rng.random() < 0.4:
            scene = Image.blend(scene, Image.new("RGB", scene.size, p.ground), 0.55)
        sketch.paste(scene, (x, y))
    for i in range(8):
        x = 700 + i * 26
        pen.circle((x, 620), 6, fill=_alpha(p.accent if i == 2 else p.light, 220 if i == 2 else 90))
    # A sofa and two viewers, from behind.
    sofa = _mix(p.ink, p.ground, 0.35)
    for cx, radius in ((690, 58), (890, 54)):
        pen.rect((cx - 75, 770, cx + 75, 900), _mix(p.ink, p.ground, 0.2), 40)
        pen.circle((cx, 730), radius, fill=_mix(p.ink, p.ground, 0.15))
        pen.draw.arc(
            pen._box((cx - radius, 730 - radius, cx + radius, 730 + radius)),
            200,
            340,
            fill=_alpha(p.accent, 120),
            width=4,
        )
    pen.rect((430, 800, 1170, 920), sofa, 46)
    pen.rect((400, 760, 490, 920), sofa, 40)
    pen.rect((1110, 760, 1200, 920), sofa, 40)
    return (
        "un mur d'écrans de télévision montrant des couchers de soleil, regardé par deux "
        "silhouettes assises de dos sur un canapé"
    )


def motif_play(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    tile_w, tile_h, gap = 210, 300, 28
    for row, y in enumerate((-120, 210, 540)):
        x = -rng.uniform(40, 200)
        while x < 1600:
            tint = dict(p.__dict__)
            tint["accent"] = rng.choice((p.accent, p.accent2, p.light))
            tint["accent2"] = _mix(
                rng.choice((p.accent2, p.sky, p.accent)), p.ink, rng.uniform(0, 0.4)
            )
            poster = landscape((tile_w, tile_h), Palette(**tint), rng)
            poster = Image.blend(poster, Image.new("RGB", poster.size, p.ground), 0.35 + row * 0.05)
            mask = Image.new("L", poster.size)
            Pen(mask, SUPERSAMPLE).rect((0, 0, tile_w, tile_h), 255, 16)
            sketch.image.paste(poster, (round(x * SUPERSAMPLE), round(y * SUPERSAMPLE)), mask)
            x += tile_w + gap
    pen.rect((0, 0, 1600, 900), _alpha(p.ink, 110))
    sketch.light(p.accent, 150, 0.9, lambda g: g.circle((800, 430), 190, 255))
    pen.circle((800, 430), 150, fill=_alpha(p.light, 245))
    pen.polygon([(760, 360), (760, 500), (880, 430)], _alpha(p.accent, 255))
    progress = rng.uniform(0.3, 0.8)
    pen.line([(240, 820), (1360, 820)], _alpha(p.light, 90), 10)
    pen.line([(240, 820), (240 + 1120 * progress, 820)], _alpha(p.accent, 255), 10)
    pen.circle((240 + 1120 * progress, 820), 16, fill=_alpha(p.light, 255))
    return (
        "un bouton lecture géant au centre d'un catalogue d'affiches en mosaïque, avec une "
        "barre de progression en bas de l'image"
    )


def _reel(pen, center, radius, p):
    pen.circle(center, radius, fill=_alpha(_mix(p.light, p.sky, 0.35), 255))
    pen.circle(center, radius * 0.93, outline=_alpha(p.ink, 120), width=radius * 0.02)
    cx, cy = center
    for k in range(6):
        theta = math.tau * k / 6 + 0.3
        hx, hy = cx + radius * 0.55 * math.cos(theta), cy + radius * 0.55 * math.sin(theta)
        pen.circle((hx, hy), radius * 0.24, fill=_mix(p.sky, p.ground, 0.5))
    pen.circle(center, radius * 0.16, fill=_alpha(p.accent, 255))
    pen.circle(center, radius * 0.06, fill=_alpha(p.ink, 255))


def _tangent(c1, r1, c2, r2):
    """Where the upper outer tangent of two circles touches each of them."""
    dx, dy = c2[0] - c1[0], c2[1] - c1[1]
    angle = math.atan2(dy, dx) - math.acos((r1 - r2) / math.hypot(dx, dy))
    cos, sin = math.cos(angle), math.sin(angle)
    return (c1[0] + r1 * cos, c1[1] + r1 * sin), (c2[0] + r2 * cos, c2[1] + r2 * sin)


def _film(pen, points, palette, width):
    pen.line(points, _alpha(palette.ink, 255), width)
    for (xa, ya), (xb, yb) in zip(points[::2], points[1::2], strict=False):
        angle = math.atan2(yb - ya, xb - xa)
        nx, ny = -math.sin(angle), math.cos(angle)
        for side in (-1, 1):
            hx, hy = xa + side * nx * width * 0.32, ya + side * ny * width * 0.32
            pen.circle((hx, hy), width * 0.07, fill=_alpha(palette.light, 130))


def motif_reel(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    big, small = (560, 430), (1210, 290)
    sketch.light(p.accent, 220, 0.6, lambda g: (g.circle(big, 330, 255), g.circle(small, 200, 255)))
    start, end = _tangent(big, 283, small, 173)
    span = [
        (start[0] + (end[0] - start[0]) * t / 24, start[1] + (end[1] - start[1]) * t / 24)
        for t in range(25)
    ]
    # Both films start at a hub, under the reel drawn over them, so no cut end shows.
    _film(pen, [big, *span, small], p, 34)
    ribbon = [big]
    for i in range(60):
        t = i / 59
        x = big[0] + t * 1150
        y = big[1] + 272 - 60 * t + 110 * math.sin(t * math.pi * 1.6) * t
        ribbon.append((x, y))
    _film(pen, ribbon, p, 60)
    _reel(pen, big, 300, p)
    _reel(pen, small, 190, p)
    for _ in range(30):
        x, y = rng.uniform(0, 1600), rng.uniform(0, 900)
        pen.circle((x, y), rng.uniform(1, 3), fill=_alpha(p.light, rng.randint(40, 140)))
    return (
        "deux bobines de film reliées par une pellicule, qui se déroule ensuite en ondulant "
        "jusqu'au bord de l'image, devant une lueur chaude"
    )


def motif_waveform(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    sketch.light(p.accent2, 240, 0.5, lambda g: g.rect((100, 330, 1500, 570), 255))
    phases = [rng.uniform(0, math.tau) for _ in range(3)]
    x = 60
    while x < 1540:
        t = (x - 60) / 1480
        envelope = math.sin(math.pi * t) ** 0.6
        wave = sum(
            abs(math.sin(phase + x / (35 + 25 * k))) / (k + 1) for k, phase in enumerate(phases)
        )
        height = 20 + 260 * envelope * wave / 1.8 * rng.uniform(0.8, 1)
        color = _mix(p.accent, p.accent2, t)
        pen.rect((x, 450 - height / 2, x + 12, 450 + height / 2), _alpha(color, 235), 6)
        x += 22
    cx = 1220
    pen.rect((cx - 22, 600, cx + 22, 860), _alpha(p.ink, 255))
    pen.rect((cx - 150, 850, cx + 150, 880), _alpha(p.ink, 255), 12)
    pen.draw.arc(
        pen._box((cx - 130, 240, cx + 130, 620)), 0, 180, fill=_alpha(p.ink, 255), width=26
    )
    pen.rect((cx - 95, 150, cx + 95, 500), _alpha(p.ink, 255), 95)
    pen.rect((cx - 80, 165, cx + 80, 485), _alpha(_mix(p.light, p.sky, 0.3), 255), 80)
    for y in range(205, 470, 26):
        pen.line([(cx - 70, y), (cx + 70, y)], _alpha(p.ink, 110), 5)
    pen.rect((cx - 90, 330, cx + 90, 352), _alpha(p.accent, 255), 4)
    return (
        "une onde sonore en barres colorées qui traverse l'image, à côté d'un micro de studio "
        "sur son pied"
    )


def motif_marquee(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    facade = _mix(p.sky, p.ink, 0.35)
    pen.rect((220, 60, 1380, 900), facade)
    for y in range(120, 900, 48):
        pen.line([(220, y), (1380, y)], _alpha(p.ink, 60), 2)
    sketch.light(p.accent, 160, 0.6, lambda g: g.rect((300, 170, 1300, 420), 255))
    pen.polygon([(260, 160), (1340, 160), (1300, 430), (300, 430)], _alpha(p.ink, 255))
    pen.rect((330, 200, 1270, 390), _alpha(p.light, 245), 8)
    pen.text((800, 295), "CINÉMA", 130, _alpha(p.ink, 255))
    bulbs = [(x, 180) for x in range(300, 1310, 40)] + [(x, 410) for x in range(310, 1300, 40)]
    for bx, by in bulbs:
        pen.circle((bx, by), 7, fill=_alpha(p.accent2, 255))

    def glow_bulbs(g):
        for bx, by in bulbs:
            g.circle((bx, by), 14, 255)

    sketch.light(p.accent2, 16, 1.0, glow_bulbs)
    # Warm doors, and a poster frame on each side.
    for x in (640, 810):
        pen.rect((x, 560, x + 150, 900), _alpha(_mix(p.accent2, p.light, 0.4), 255), 6)
        pen.line([(x + 75, 560), (x + 75, 900)], _alpha(p.ink, 200), 6)
    for x in (300, 1130):
        pen.rect((x - 10, 500, x + 180, 780), _alpha(p.ink, 255), 6)
        sketch.paste(landscape((170, 260), p, rng), (x, 510))
    sketch.light(p.accent2, 120, 0.5, lambda g: g.rect((640, 560, 960, 900), 255))
    pen.rect((0, 860, 1600, 900), _alpha(p.ink, 200))
    return (
        "la façade d'un cinéma de quartier la nuit, avec une enseigne « CINÉMA » entourée "
        "d'ampoules allumées, deux portes éclairées et une affiche de chaque côté"
    )


MOTIFS = {
    "screen": motif_screen,
    "film_strip": motif_film_strip,
    "clapperboard": motif_clapperboard,
    "spotlights": motif_spotlights,
    "tv_grid": motif_tv_grid,
    "play": motif_play,
    "reel": motif_reel,
    "waveform": motif_waveform,
    "marquee": motif_marquee,
}


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=86, optimize=True, progressive=True)
    return buffer.getvalue()


# Cached: the test suite loads the demo in many tests of one process, and the
# drawings depend only on the arguments.
@functools.cache
def featured_image(key, motif, palette_index=None):
    """
    (JPEG bytes, French alt text) of a 1600×900 illustration for ``key``: one of the
    newsroom's MOTIFS, or the scene of one of the POSTER_MOTIFS, so that a front page
    of a dozen articles need not show the same drawing twice.
    """
    rng = seeded_random(key)
    palette = PALETTES[rng.randrange(len(PALETTES)) if palette_index is None else palette_index]
    if motif in POSTER_MOTIFS:
        # A poster's 800-wide canvas is drawn at twice that, the featured image's width:
        # a 16:9 strip of it, unreduced, is a featured image as sharp as the others.
        sketch = Sketch(POSTER_SIZE, palette, rng)
        scene = POSTER_MOTIFS[motif](sketch)
        image = sketch.finish(band=(POSTER_SCENE_TOPS[motif], POSTER_SIZE[0] * 9 / 16))
    else:
        sketch = Sketch(FEATURED_SIZE, palette, rng)
        scene = MOTIFS[motif](sketch)
        image = sketch.finish()
    alt = f"{scene[0].upper()}{scene[1:]}, dans des tons {palette.words}."
    return _jpeg(image), alt


@functools.cache
def avatar(name, palette_index=None):
    """(JPEG bytes, French alt text) of a 400×400 portrait: initials on a coloured disc."""
    rng = seeded_random(name)
    palette = PALETTES[rng.randrange(len(PALETTES)) if palette_index is None else palette_index]
    sketch = Sketch(AVATAR_SIZE, palette, rng)
    pen = sketch.pen
    sketch.light(palette.accent, 90, 0.7, lambda g: g.circle((200, 200), 150, 255))
    for k, radius in enumerate((188, 176)):
        pen.circle((200, 200), radius, outline=_alpha(palette.light, 60 - k * 25), width=3)
    pen.circle((200, 200), 150, fill=_alpha(palette.accent, 255))
    # Film perforations along the top of the outer ring.
    for k in range(9):
        theta = math.radians(-150 + k * 15)
        x, y = 200 + 166 * math.cos(theta), 200 + 166 * math.sin(theta)
        pen.circle((x, y), 5, fill=_alpha(palette.light, 150))
    initials = "".join(word[0] for word in name.replace("-", " ").split()[:2]).upper()
    pen.text((202, 206), initials, 128, _alpha(palette.ink, 90))
    pen.text((200, 200), initials, 128, _alpha(palette.light, 255))
    of_name = f"d'{name}" if name[0].lower() in "aeiouyàâéèêîôû" else f"de {name}"
    alt = (
        f"Avatar {of_name} : ses initiales « {initials} » en lettres claires sur un disque "
        f"{palette.accent_name}, sur fond {palette.background_name}."
    )
    return _jpeg(sketch.finish(vignette=0.3)), alt


# Posters: each motif fills an 800×1200 Sketch and returns the French description of
# its scene; poster() then sets the names, the title and the credits over it.

POSTER_SIZE = (800, 1200)

# What the line under the title says, by works.models.Work.Kind value.
CREDIT_PHRASES = {
    "film": "Un film de",
    "series": "Une série créée par",
    "documentary": "Un documentaire de",
    "docuseries": "Une série documentaire de",
    "animation": "Un film d'animation de",
    "short": "Un court métrage de",
}


def _sky(sketch, top, bottom, height):
    """Repaints the upper ``height`` of the canvas with a gradient from ``top`` to ``bottom``."""
    gradient = vertical_gradient((sketch.canvas_size[0], height * SUPERSAMPLE), top, bottom)
    sketch.paste(gradient, (0, 0))


def _stars(sketch, count, bottom):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    for _ in range(count):
        x, y = rng.uniform(0, 800), rng.uniform(0, bottom)
        pen.circle((x, y), rng.uniform(0.6, 2.2), fill=_alpha(p.light, rng.randint(50, 210)))


def poster_tide(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    horizon = 600
    _sky(sketch, _mix(p.sky, p.accent2, 0.35), _mix(p.accent, p.light, 0.55), horizon)
    sun = (rng.uniform(300, 500), horizon - 40)
    sketch.light(p.light, 120, 0.6, lambda g: g.circle(sun, 150, 255))
    pen.circle(sun, 95, fill=_alpha(p.accent, 255))
    # The sea, a band of water between the sky and the shore the tide has left.
    pen.rect((0, horizon, 800, 700), _mix(p.sky, p.ground, 0.3))
    for y in range(horizon + 8, 700, 14):
        pen.line([(0, y), (800, y)], _alpha(p.light, 40), 2)
    shore = _mix(p.ground, p.accent2, 0.18)
    pen.rect((0, 700, 800, 1200), shore)
    for k in range(16):
        y = 715 + k * k * 2.2
        phase = rng.uniform(0, math.tau)
        ripple = [(x, y + 6 * math.sin(phase + x / 40)) for x in range(0, 820, 20)]
        pen.line(ripple, _alpha(p.light, 45), 2)
    # The sun's reflection, broken into dashes that widen towards the viewer.
    for k in range(34):
        y = horizon + 6 + k * 17
        half = 20 + k * 3.2 * rng.uniform(0.6, 1.2)
        pen.line([(sun[0] - half, y), (sun[0] + half, y)], _alpha(p.accent, 170 - k * 3), 4)
    # Oyster tables on their legs, in rows that recede to the water.
    for row in range(4):
        y = 730 + row * row * 22 + row * 18
        size = 1 + row * 0.6
        x = rng.uniform(-40, 0)
        while x < 800:
            pen.rect((x, y, x + 60 * size, y + 7 * size), _alpha(p.ink, 230))
            for leg in (x + 6 * size, x + 54 * size):
                pen.line([(leg, y), (leg, y + 16 * size)], _alpha(p.ink, 230), 2 * size)
            x += 90 * size
    walker = (sun[0] + 150, 760)
    pen.circle((walker[0], walker[1] - 58), 9, fill=_alpha(p.ink, 255))
    pen.polygon(
        [
            (walker[0] - 9, walker[1] - 48),
            (walker[0] + 9, walker[1] - 48),
            (walker[0] + 7, walker[1]),
            (walker[0] - 7, walker[1]),
        ],
        _alpha(p.ink, 255),
    )
    pen.line([walker, (walker[0] + 40, walker[1] + 90)], _alpha(p.ink, 90), 10)
    return (
        "un soleil bas au-dessus de la mer, dont le reflet traverse l'estran découvert par la "
        "marée, où une silhouette marche entre des tables à huîtres"
    )


def poster_beam(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    booth = (600, 170, 690, 230)
    beam = [(610, 190), (690, 215), (-60, 800), (-60, 420)]
    pen.rect((560, 130, 730, 270), _alpha(_mix(p.sky, p.ink, 0.5), 255), 8)
    sketch.light(p.accent, 160, 0.45, lambda g: g.polygon(beam, 255))
    sketch.light(p.light, 40, 0.3, lambda g: g.polygon(beam, 255))
    pen.rect(booth, _alpha(p.light, 255), 6)
    # Dust floating in the beam: points between its two edges.
    for _ in range(220):
        t, s = rng.random(), rng.random()
        top = (610 + (-60 - 610) * t, 190 + (420 - 190) * t)
        bottom = (690 + (-60 - 690) * t, 215 + (800 - 215) * t)
        x, y = (top[0] + (bottom[0] - top[0]) * s, top[1] + (bottom[1] - top[1]) * s)
        pen.circle((x, y), rng.uniform(0.7, 2.2), fill=_alpha(p.light, rng.randint(60, 200)))
    # Rows of seats and heads, nearer rows larger, the beam catching the tops of heads.
    for row, (y, seat) in enumerate([(700, 62), (770, 80), (860, 104), (980, 136)]):
        shade = _mix(p.ink, p.ground, 0.45 - row * 0.12)
        x = -rng.uniform(0, seat)
        while x < 800:
            pen.rect((x + 4, y, x + seat - 4, y + seat * 1.3), shade, seat * 0.2)
            if rng.random() < 0.6:
                radius = seat * 0.3
                cx, cy = x + seat / 2 + rng.uniform(-5, 5), y - radius * 0.5
                pen.circle((cx, cy), radius, fill=_mix(p.ink, p.ground, 0.25 - row * 0.06))
                pen.draw.arc(
                    pen._box((cx - radius, cy - radius, cx + radius, cy + radius)),
                    190,
                    300,
                    fill=_alpha(p.accent, 150),
                    width=3,
                )
            x += seat
    return (
        "le faisceau d'un projecteur qui part de la cabine et traverse une salle obscure, "
        "chargé de poussière lumineuse, au-dessus des têtes des spectateurs"
    )


def poster_orbit(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    _stars(sketch, 220, 1200)
    planet = (400, 1480)
    sketch.light(p.accent2, 60, 0.8, lambda g: g.circle(planet, 860, 255))
    pen.circle(planet, 840, fill=_mix(p.sky, p.ground, 0.4))
    for k in range(6):
        pen.circle(planet, 840 - 60 * k - 30, outline=_alpha(p.light, 14), width=18)
    # The ring station, drawn flat then tilted.
    scale = SUPERSAMPLE
    layer = Image.new("RGBA", (640 * scale, 260 * scale))
    ring = Pen(layer, scale)
    ring.ellipse((20, 40, 620, 220), outline=_alpha(_mix(p.light, p.sky, 0.25), 255), width=30)
    for k in range(12):
        theta = math.tau * k / 12
        x, y = 320 + 300 * math.cos(theta), 130 + 90 * math.sin(theta)
        ring.line([(320, 130), (x, y)], _alpha(_mix(p.light, p.sky, 0.45), 255), 6)
        ring.circle((x, y), 4, fill=_alpha(p.accent, 255))
    ring.circle((320, 130), 34, fill=_alpha(p.light, 255))
    ring.circle((320, 130), 16, fill=_alpha(p.accent, 255))
    layer = layer.rotate(rng.uniform(-16, -8), resample=Image.Resampling.BILINEAR, expand=True)
    sketch.light(p.accent, 140, 0.45, lambda g: g.circle((400, 450), 260, 255))
    width, height = (v / SUPERSAMPLE for v in layer.size)
    sketch.paste(layer, (400 - width / 2, 450 - height / 2))
    star = (rng.uniform(130, 250), rng.uniform(130, 220))
    sketch.light(p.light, 40, 0.9, lambda g: g.circle(star, 30, 255))
    for dx, dy in ((1, 0), (0, 1)):
        pen.polygon(
            [
                (star[0] - 70 * dx, star[1] - 70 * dy),
                (star[0] + 4 * dy, star[1] + 4 * dx),
                (star[0] + 70 * dx, star[1] + 70 * dy),
                (star[0] - 4 * dy, star[1] - 4 * dx),
            ],
            _alpha(p.light, 230),
        )
    return (
        "une station spatiale en forme d'anneau, en orbite au-dessus d'une planète, sous une "
        "étoile brillante et un ciel constellé"
    )


def poster_furnaces(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    sketch.light(p.accent2, 220, 0.9, lambda g: g.rect((-100, 560, 900, 900), 255))
    sketch.light(p.accent, 120, 0.6, lambda g: g.rect((100, 640, 700, 800), 255))
    plumes = []
    for x in (170, 540, 640):
        y = 250
        for k in range(7):
            plumes.append(((x + k * 28 + rng.uniform(-10, 10), y - k * 40), 40 + k * 14))

    def smoke(g):
        for center, radius in plumes:
            g.circle(center, radius, 255)

    sketch.light(_mix(p.light, p.sky, 0.4), 50, 0.35, smoke)
    steel = _alpha(_mix(p.ink, p.ground, 0.3), 255)
    # Two blast furnaces: a tower narrowing to its throat, with a gantry and pipes.
    for cx, top, wide in ((330, 300, 120), (520, 380, 95)):
        pen.polygon(
            [
                (cx - wide / 2, 820),
                (cx + wide / 2, 820),
                (cx + wide / 3, top + 90),
                (cx + wide / 5, top),
                (cx - wide / 5, top),
                (cx - wide / 3, top + 90),
            ],
            steel,
        )
        for y in range(int(top) + 40, 820, 60):
            pen.line([(cx - wide / 2 - 30, y), (cx + wide / 2 + 30, y)], steel, 5)
        pen.line(
            [(cx + wide / 5, top + 20), (cx + wide + 60, top + 120), (cx + wide + 60, 820)],
            steel,
            16,
        )
    for x, top in ((170, 260), (620, 330), (680, 300)):
        pen.rect((x - 14, top, x + 14, 820), steel)
    # The workers' houses in front, windows lit.
    x = -20
    while x < 800:
        w = rng.uniform(80, 110)
        h = rng.uniform(90, 120)
        pen.polygon(
            [(x, 900), (x, 900 - h), (x + w / 2, 900 - h - 40), (x + w, 900 - h), (x + w, 900)],
            _alpha(p.ink, 255),
        )
        if rng.random() < 0.7:
            pen.rect(
                (x + w * 0.3, 900 - h * 0.6, x + w * 0.55, 900 - h * 0.35),
                _alpha(p.accent2, 255),
                2,
            )
        x += w + 4
    pen.rect((0, 898, 800, 1200), _alpha(p.ink, 255))
    return (
        "la silhouette d'une usine sidérurgique, hauts-fourneaux et cheminées qui fument, "
        "au-dessus d'une rangée de maisons ouvrières aux fenêtres allumées, sous un ciel rougeoyant"
    )


def _pine(pen, x, base, height, fill):
    for k in range(4):
        top = base - height + k * height * 0.18
        half = height * (0.16 + k * 0.07)
        pen.polygon(
            [(x, top), (x + half, top + height * 0.32), (x - half, top + height * 0.32)], fill
        )
    pen.rect((x - height * 0.03, base - height * 0.15, x + height * 0.03, base), fill)


def poster_watchtower(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    _sky(sketch, _mix(p.sky, p.ink, 0.2), _mix(p.accent2, p.light, 0.35), 760)
    smoke_x = rng.uniform(560, 680)
    plume = [((smoke_x - k * 18, 660 - k * 70), 30 + k * 16) for k in range(8)]
    sketch.light(
        _mix(p.light, p.ink, 0.35), 40, 0.7, lambda g: [g.circle(c, r, 255) for c, r in plume]
    )
    sketch.light(
        p.accent, 30, 0.9, lambda g: g.ellipse((smoke_x - 60, 640, smoke_x + 60, 690), 255)
    )
    # The tower: four legs braced in a zigzag, up to a cabin with its lit window.
    wood = _alpha(p.ink, 255)
    legs = ((250, 860, 345, 380), (450, 860, 395, 380))
    for x_bottom, y_bottom, x_top, y_top in legs:
        pen.line([(x_bottom, y_bottom), (x_top, y_top)], wood, 9)
    for k in range(6):
        t0, t1 = k / 6, (k + 1) / 6
        left = [(250 + (345 - 250) * t, 860 - 480 * t) for t in (t0, t1)]
        right = [(450 + (395 - 450) * t, 860 - 480 * t) for t in (t0, t1)]
        pen.line([left[0], right[1]], wood, 4)
        pen.line([right[0], left[1]], wood, 4)
        pen.line([left[0], right[0]], wood, 5)
    pen.rect((310, 300, 430, 385), wood, 4)
    pen.polygon([(290, 305), (450, 305), (370, 250)], wood)
    pen.rect((322, 318, 418, 360), _alpha(p.accent2, 255), 2)
    for k in range(3):
        cx = 342 + k * 28
        pen.circle((cx, 344), 7, fill=wood)
        pen.rect((cx - 8, 350, cx + 8, 362), wood, 3)
    # The pine forest, three layers, darker and larger towards the viewer.
    for layer, (base, height) in enumerate(((760, 110), (840, 150), (960, 210))):
        fill = _alpha(_mix(p.ground, p.ink, 0.3 + layer * 0.3), 255)
        x = -rng.uniform(0, 40)
        while x < 840:
            _pine(pen, x, base + rng.uniform(-10, 10), height * rng.uniform(0.8, 1.15), fill)
            x += height * rng.uniform(0.3, 0.45)
        pen.rect((0, base, 800, 1200), fill)
    return (
        "une tour de guet dressée au-dessus d'une forêt de pins, trois petites silhouettes à la "
        "fenêtre de sa cabine, face à une colonne de fumée qui monte à l'horizon"
    )


def poster_wind(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    _sky(sketch, _mix(p.sky, p.light, 0.35), _mix(p.light, p.accent, 0.2), 800)
    # Gusts: long curves across the sky.
    for k in range(7):
        y = 150 + k * 80 + rng.uniform(-20, 20)
        phase = rng.uniform(0, math.tau)
        start = rng.uniform(-200, 200)
        curve = [
            (x, y + 30 * math.sin(phase + x / 90)) for x in range(int(start), int(start) + 560, 12)
        ]
        pen.line(curve, _alpha(p.light, 150), 5)
        end = curve[-1]
        for j in range(20):
            theta = j / 19 * math.pi * 1.4
            curve.append((end[0] + 30 * math.sin(theta), end[1] - 30 + 30 * math.cos(theta)))
        pen.line(curve[-20:], _alpha(p.light, 150), 5)
    # Bunting blown sideways on a sagging line.
    line = [(x, 260 + 0.00028 * (x - 420) ** 2 * -1 + 60) for x in range(-20, 840, 10)]
    pen.line(line, _alpha(p.ink, 200), 3)
    colours = (p.accent, p.accent2, p.light, p.sky)
    for k, (x, y) in enumerate(line[2::5]):
        pen.polygon([(x, y), (x + 34, y), (x + 30, y + 42)], _alpha(colours[k % 4], 255))
    # Tents and a caravan on the grass.
    pen.rect((0, 800, 800, 1200), _mix(p.ground, p.accent2, 0.25))
    for cx, size, colour in ((170, 150, p.accent), (620, 120, p.accent2), (430, 90, p.sky)):
        pen.polygon(
            [(cx - size, 820), (cx + size, 820), (cx + size * 0.1, 820 - size * 1.1)],
            _alpha(colour, 255),
        )
        pen.polygon(
            [(cx - size * 0.15, 820), (cx + size * 0.25, 820), (cx + size * 0.1, 820 - size * 0.6)],
            _alpha(p.ink, 220),
        )
    pen.rect((250, 700, 420, 800), _alpha(p.light, 255), 36)
    pen.rect((280, 725, 340, 760), _alpha(p.sky, 255), 10)
    pen.circle((330, 805), 22, fill=_alpha(p.ink, 255))
    for _ in range(26):
        x, y = rng.uniform(0, 800), rng.uniform(100, 760)
        pen.ellipse(
            (x, y, x + rng.uniform(10, 18), y + rng.uniform(5, 8)), fill=_alpha(p.accent2, 220)
        )
    return (
        "un camping balayé par le vent, avec des tentes, une caravane, une guirlande de fanions "
        "qui claque et des bourrasques qui tourbillonnent dans le ciel"
    )


def poster_city_night(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    _stars(sketch, 60, 400)
    font = _font(980 * SUPERSAMPLE)
    pen.draw.text(
        pen._points([(430, 450)])[0],
        "9",
        font=font,
        fill=_alpha(p.accent, 35),
        anchor="mm",
        stroke_width=6 * SUPERSAMPLE,
        stroke_fill=_alpha(p.accent, 170),
    )
    # The skyline, windows lit at random.
    x = -10
    while x < 810:
        w = rng.uniform(70, 130)
        top = rng.uniform(430, 700)
        shade = _mix(p.ink, p.ground, rng.uniform(0.2, 0.6))
        pen.rect((x, top, x + w, 1200), shade)
        for wy in range(int(top) + 16, 880, 26):
            for wx in range(int(x) + 10, int(x + w) - 14, 20):
                if rng.random() < 0.3:
                    pen.rect(
                        (wx, wy, wx + 10, wy + 14), _alpha(rng.choice((p.accent2, p.light)), 210)
                    )
        x += w + rng.uniform(2, 8)
    # Police lights on the street, and the light trails of cars.
    sketch.light(p.accent, 90, 0.8, lambda g: g.circle((150, 880), 150, 255))
    sketch.light((200, 40, 60), 90, 0.7, lambda g: g.circle((650, 880), 150, 255))
    for k in range(6):
        y = 860 + k * 9
        start = rng.uniform(-100, 300)
        colour = p.light if k % 2 else p.accent2
        pen.line([(start, y), (start + rng.uniform(300, 600), y)], _alpha(colour, 200), 3)
    return (
        "une ville la nuit, ses immeubles aux fenêtres éclairées devant un immense chiffre 9, "
        "avec des lueurs de gyrophares et des traînées de phares dans la rue"
    )


def poster_road(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    horizon = 620
    _sky(sketch, _mix(p.sky, p.light, 0.25), _mix(p.light, p.accent, 0.25), horizon)
    sketch.light(p.accent, 140, 0.6, lambda g: g.circle((560, horizon - 60), 120, 255))
    # The village on the horizon: roofs and a bell tower.
    village = _alpha(_mix(p.sky, p.ink, 0.5), 255)
    x = 260
    while x < 560:
        w = rng.uniform(30, 50)
        h = rng.uniform(20, 40)
        pen.polygon(
            [
                (x, horizon),
                (x, horizon - h),
                (x + w / 2, horizon - h - 14),
                (x + w, horizon - h),
                (x + w, horizon),
            ],
            village,
        )
        x += w
    pen.rect((395, horizon - 120, 425, horizon), village)
    pen.polygon([(390, horizon - 120), (430, horizon - 120), (410, horizon - 180)], village)
    # Fields in stripes, and the road to the village.
    pen.rect((0, horizon, 800, 1200), _mix(p.ground, p.accent2, 0.3))
    for k in range(14):
        y = horizon + 6 + k * k * 3.4
        pen.line([(0, y), (800, y)], _alpha(p.light, 28), 3)
    pen.polygon(
        [(395, horizon), (425, horizon), (760, 1200), (40, 1200)], _mix(p.ground, p.light, 0.35)
    )
    for k in range(9):
        t0, t1 = (k / 9) ** 1.6, ((k + 0.5) / 9) ** 1.6
        y0, y1 = horizon + (1200 - horizon) * t0, horizon + (1200 - horizon) * t1
        pen.polygon(
            [(409, y0), (411, y0), (411 + 8 * t1, y1), (409 - 8 * t1, y1)], _alpha(p.light, 200)
        )
    # A letterbox on its post in the foreground, flag up.
    pen.rect((120, 760, 140, 1000), _alpha(p.ink, 255))
    pen.rect((60, 700, 200, 780), _alpha(p.accent2, 255), 30)
    pen.rect((76, 726, 150, 736), _alpha(p.ink, 200), 4)
    pen.line([(200, 740), (200, 660)], _alpha(p.ink, 255), 6)
    pen.rect((200, 660, 240, 684), _alpha(p.accent, 255), 3)
    # Letters flying off over the fields.
    for k in range(5):
        x, y = 230 + k * 90 + rng.uniform(-20, 20), 520 - k * 70 + rng.uniform(-20, 20)
        w, h = 46 - k * 4, 30 - k * 2.5
        pen.rect((x, y, x + w, y + h), _alpha(p.light, 240), 2)
        pen.line([(x, y), (x + w / 2, y + h * 0.55), (x + w, y)], _alpha(p.ink, 150), 2)
    return (
        "une route de campagne qui mène à un village et à son clocher, une boîte aux lettres au "
        "premier plan et quelques enveloppes qui s'envolent au-dessus des champs"
    )


def poster_arcades(sketch):
    p, rng, pen = sketch.palette, sketch.rng, sketch.pen
    _sky(sketch, _mix(p.light, p.accent, 0.35), p.light, 360)
    sun = (rng.uniform(80, 200), rng.uniform(150, 230))
    sketch.light(p.light, 140, 0.8, lambda g: g.circle(sun, 180, 255))
    wall = _mix(p.accent2, p.light, 0.45)
    pen.rect((0, 300, 800, 700), wall)
    pen.rect((0, 300, 800, 330), _mix(wall, p.ink, 0.2))
    ground = _mix(p.light, p.accent, 0.2)
    pen.rect((0, 700, 800, 1200), ground)
    shadow = _alpha(_mix(p.ink, p.sky, 0.3), 170)
    # Arches open on the dark gallery, each casting a long shadow of its pillar.
    for k in range(5):
        left = 40 + k * 150
        pen.rect((left, 440, left + 110, 700), _alpha(_mix(p.ink, p.sky, 0.2), 255))
        pen.circle((left + 55, 440), 55, fill=_alpha(_mix(p.ink, p.sky, 0.2), 255))
        pillar = left + 110
        pen.polygon(
            [(pillar, 700), (pillar + 40, 700), (pillar + 260, 1200), (pillar + 160, 1200)], shadow
        )
    pen.polygon([(0, 700), (40, 700), (150, 1200), (0, 1200)], shadow)
    # Two figures facing each other across the square, their shadows stretched behind them.
    for cx, lean in ((300, 1), (520, -1)):
        pen.polygon([(cx - 10, 900), (cx + 10, 900), (cx + 150, 1160), (cx + 110, 1170)], shadow)
        pen.circle((cx, 805), 13, fill=_alpha(p.ink, 255))
        pen.polygon(
            [(cx - 15, 822), (cx + 15, 822), (cx + 12 + lean * 3, 900), (cx - 12 + lean * 3, 900)],
            _alpha(p.ink, 255),
        )
    return (
        "une place de village écrasée de soleil, bordée d'arcades dont les ombres s'allongent sur "
        "le sol, où deux silhouettes se font face"
    )


POSTER_MOTIFS = {
    "tide": poster_tide,
    "beam": poster_beam,
    "orbit": poster_orbit,
    "furnaces": poster_furnaces,
    "watchtower": poster_watchtower,
    "wind": poster_wind,
    "city_night": poster_city_night,
    "road": poster_road,
    "arcades": poster_arcades,
}

# Where each poster's scene is, from the top of its 1200-pixel height: the 450 pixels
# below make its featured image (the rest is sky, or ground under the title).
POSTER_SCENE_TOPS = {
    "tide": 350,
    "beam": 300,
    "orbit": 250,
    "furnaces": 430,
    "watchtower": 260,
    "wind": 380,
    "city_night": 330,
    "road": 350,
    "arcades": 330,
}

# The smallest size at which a title may take one, two or three lines: a short title
# stays on one line, a long one breaks rather than shrinks to nothing.
TITLE_SIZES = {1: 96, 2: 56, 3: 44}


def _title_lines(title, width, largest=124):
    """The title in capitals, on as few lines as reads well, at the largest size that fits."""
    words = title.upper().split()
    for most, smallest in TITLE_SIZES.items():
        for size in range(largest, smallest - 1, -4):
            lines = []
            for word in words:
                if lines and text_width(f"{lines[-1]} {word}", size) <= width:
                    lines[-1] = f"{lines[-1]} {word}"
                else:
                    lines.append(word)
            # A word of two letters left alone on its line ("DE", "9") looks like a mistake.
            orphan = len(lines) > 1 and any(len(line) <= 2 for line in lines)
            fits = all(text_width(line, size) <= width for line in lines)
            if len(lines) <= most and fits and not orphan:
                return lines, size
    return lines, smallest


def _laurel(sketch, center, words):
    """A festival laurel: two branches around the prize's name."""
    pen, p = sketch.pen, sketch.palette
    cx, cy = center
    radius = 104
    gold = _alpha(_mix(p.accent2, p.light, 0.55), 255)
    # A dark halo keeps the gold readable on a pale sky.
    sketch.light(p.ink, 60, 0.35, lambda g: g.circle(center, radius + 10, 255))
    for side in (-1, 1):
        stem = []
        for k in range(9):
            phi = math.radians(110 - k * 16)
            stem.append((cx + side * radius * math.cos(phi) * -1, cy + radius * math.sin(phi)))
        pen.line(stem, gold, 3)
        for k in range(1, 9):
            (xa, ya), (xb, yb) = stem[k - 1], stem[k]
            direction = math.atan2(yb - ya, xb - xa)
            for offset in (-0.55, 0.55):
                angle = direction + offset
                leaf = (xb + math.cos(angle) * 12, yb + math.sin(angle) * 12)
                pen.polygon(_leaf(leaf, 26, 10, angle), gold)
    # The prize on top, larger, then the festival; each wrapped to the wreath's width.
    lines = []
    for k, part in enumerate(words.split("·")):
        size = 15 if k == 0 else 11
        for word in part.upper().split():
            if (
                lines
                and lines[-1][1] == size
                and text_width(f"{lines[-1][0]} {word}", size, 1) < 150
            ):
                lines[-1] = (f"{lines[-1][0]} {word}", size)
            else:
                lines.append((word, size))
    for k, (line, size) in enumerate(lines):
        y = cy - 6 + (k - (len(lines) - 1) / 2) * 21
        pen.spaced_text((cx, y), line, size, gold, 1)


@functools.cache
def poster(
    title, kind="film", motif="tide", names=(), cast=(), laurel="", mention="", palette_index=None
):
    """
    (JPEG bytes, French alt text) of an 800×1200 poster for the work called ``title``:
    a scene drawn by the ``motif``, the ``cast`` on top, an optional festival ``laurel``
    (its lines separated by « · ») and ``mention`` (« Saison 2 »), the title, and the
    credit line that ``kind`` calls for, with the ``names`` of its directors.
    """
    rng = seeded_random(f"poster:{title}")
    palette = PALETTES[rng.randrange(len(PALETTES)) if palette_index is None else palette_index]
    sketch = Sketch(POSTER_SIZE, palette, rng)
    scene = POSTER_MOTIFS[motif](sketch)
    pen, p = sketch.pen, palette
    lines, size = _title_lines(title, 700)
    line_height = size * 1.02
    first = 990 - line_height * (len(lines) - 0.5)
    title_top = first - size * 0.5 - (70 if mention else 20)
    # Shade under the lettering, dark from the top of the title down, and behind
    # the names on top, so that both read whatever the scene.
    top = round(title_top - 200)
    under = Image.linear_gradient("L").resize((sketch.canvas_size[0], (1200 - top) * SUPERSAMPLE))
    under = under.point(lambda v: round(min(255, v * (1200 - top) / 300) * 0.85))
    sketch.image.paste(p.ink, (0, top * SUPERSAMPLE), under)
    above = Image.linear_gradient("L").resize((sketch.canvas_size[0], 170 * SUPERSAMPLE))
    above = above.transpose(Image.Transpose.FLIP_TOP_BOTTOM).point(lambda v: round(v * 0.6))
    sketch.image.paste(p.ink, (0, 0), above)

    names_line = "   ".join(name.upper() for name in cast[:3])
    names_size = 24
    while names_size > 14 and text_width(names_line, names_size, 3) > 720:
        names_size -= 1
    pen.spaced_text((400, 64), names_line, names_size, _alpha(p.light, 235), 3)
    if laurel:
        _laurel(sketch, (150, 250), laurel)

    if mention:
        pen.spaced_text(
            (400, first - size * 0.5 - 34), mention.upper(), 28, _alpha(p.accent, 255), 4
        )
    for k, line in enumerate(lines):
        y = first + k * line_height
        pen.text((403, y + 4), line, size, _alpha(p.ink, 200))
        pen.text((400, y), line, size, _alpha(p.light, 255))
    credit = f"{CREDIT_PHRASES[kind]} {', '.join(names)}" if names else ""
    if credit:
        pen.spaced_text((400, 1062), credit.upper(), 20, _alpha(p.accent, 255), 2.5)
    # The billing block: the small print of a real poster, here only rules and the names.
    small = f"{credit}   avec {', '.join(cast)}".upper() if cast else credit.upper()
    size = 11
    while size > 7 and text_width(small, size, 1) > 700:
        size -= 0.5
    pen.spaced_text((400, 1112), small, size, _alpha(p.light, 150), 1)
    pen.line([(150, 1134), (650, 1134)], _alpha(p.light, 60), 1)
    for k in range(5):
        x = 250 + k * 64
        pen.rect((x, 1150, x + 44, 1170), _alpha(p.light, 70), 5)

    # The names and the credit are on the work's page next to the poster: the alt
    # text (300 characters in the library) keeps to what only the picture says.
    alt = f"Affiche de « {title} » : {scene}."
    if laurel:
        alt += f" Couronne de laurier : « {laurel.replace(' · ', ', ')} »."
    if mention:
        alt += f" Mention « {mention} » au-dessus du titre."
    alt += f" Tons {p.words}."
    return _jpeg(sketch.finish(vignette=0.35)), alt
