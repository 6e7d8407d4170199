"""
Illustrations for the demo magazine, drawn with Pillow at load time so the
repository holds no binary image: featured images (1600×900) and author
avatars (400×400).

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


def _font(size):
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        # Pillow ships a scalable font of its own for machines without DejaVu.
        return ImageFont.load_default(size)


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

    def finish(self, grain=True, vignette=0.55):
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
    """(JPEG bytes, French alt text) of a 1600×900 illustration for ``key``."""
    rng = seeded_random(key)
    palette = PALETTES[rng.randrange(len(PALETTES)) if palette_index is None else palette_index]
    sketch = Sketch(FEATURED_SIZE, palette, rng)
    scene = MOTIFS[motif](sketch)
    alt = f"{scene[0].upper()}{scene[1:]}, dans des tons {palette.words}."
    return _jpeg(sketch.finish()), alt


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
