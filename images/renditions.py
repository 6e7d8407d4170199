"""
Renditions: the sizes and formats a reader's browser downloads instead of the original.

Each image gets, when it is saved, a set of files per *shape* (settings.IMAGE_RENDITIONS):
its own proportions for the article page, 16:9 for cards, a square for avatars, each at a
few widths in AVIF, WebP and JPEG, plus a 1200×630 JPEG for social cards. Crops are
centred on the editor's focal point. Nothing is ever enlarged: an image narrower than a
width gets no file at that width.

File names are derived from the original's digest and everything that shapes the pixels
(box, size, encoder options), so a name never changes meaning: a CDN may cache them for
a year, and saving an image again reuses every file already there. The shape is not in
the name: where two shapes crop the same box to the same size (a 16:9 still's own
proportions and its 16:9 cards), they list one file, drawn and stored once. What exists
is listed in ``Image.renditions``, so a page builds its ``srcset`` from the row it
already loaded, without asking the storage or Pillow anything.

Files are read and written through the image field's storage only, never a path on disk:
with an S3-compatible store, renditions sit in the bucket beside the originals.
"""

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import features

from . import processing

PREFIX = "renditions"
SOCIAL_CARD = "social"
# The size Facebook, LinkedIn, Bluesky and X all crop their link previews to.
SOCIAL_CARD_SIZE = (1200, 630)
# Bumped when the drawing code changes in a way the options do not show.
DRAWING_VERSION = 1


def encodings():
    """Best first, as <source> elements must be: AVIF only where this Pillow can write it."""
    available = ["avif"] if features.check("avif") else []
    return [*available, "webp", "jpeg"]


def plan(image):
    """What ``image`` should have: {shape: [(width, height, box)]}, social card included."""
    focal_point = image.focal_point
    shapes = {}
    for shape, spec in settings.IMAGE_RENDITIONS.items():
        ratio = spec.get("ratio")
        box = (
            processing.crop_box(image.width, image.height, ratio, focal_point)
            if ratio
            else (0, 0, image.width, image.height)
        )
        shapes[shape] = [
            (width, _height_for(box, width), box) for width in _widths(box, spec["widths"])
        ]
    box = processing.crop_box(image.width, image.height, SOCIAL_CARD_SIZE, focal_point)
    width = min(SOCIAL_CARD_SIZE[0], box[2] - box[0])
    shapes[SOCIAL_CARD] = [(width, _height_for(box, width), box)]
    return shapes


def signature(image):
    """Changes whenever any rendition of ``image`` would: original, focal point or settings."""
    recipe = [
        DRAWING_VERSION,
        image.file_digest,
        plan(image),
        encodings(),
        processing.ENCODINGS,
    ]
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


def generate(image):
    """
    Writes the files ``image`` is missing and returns the listing to store on it,
    {"signature": …, "shapes": {shape: {encoding: [[width, height, name], …]}}},
    and how many files it drew.
    """
    storage = image.file.storage
    stored = stored_names(storage, folder(image))
    # By name, so that a file two shapes share is drawn once.
    missing = {
        name: (box, (width, height), encoding)
        for _shape, encoding, width, height, box, name in _files(image)
        if name not in stored
    }
    if missing:
        with image.file.open("rb") as original:
            pixels = processing.open_for_renditions(original)
        # Pillow lets go of the GIL while it resizes and encodes: one thread per core
        # shortens the editor's wait after an upload by as many. Every file is encoded
        # before any is stored, so that an encoder failing leaves nothing behind.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            encoded = list(pool.map(lambda job: processing.encode(pixels, *job), missing.values()))
        stored_now = []
        try:
            for name, data in zip(missing, encoded, strict=True):
                stored_now.append(storage.save(name, ContentFile(data)))
        except BaseException:
            # A full disk or a bucket refusing: no half set of renditions either.
            for name in stored_now:
                storage.delete(name)
            raise
    return listing_for(image), len(missing)


def listing_for(image):
    """The listing ``generate()`` returns, worked out without drawing or storing anything."""
    shapes = {}
    for shape, encoding, width, height, _box, name in _files(image):
        shapes.setdefault(shape, {}).setdefault(encoding, []).append([width, height, name])
    return {"signature": signature(image), "shapes": shapes}


def listed_names(listing):
    """Every file name a stored listing refers to."""
    return {
        name
        for by_encoding in listing.get("shapes", {}).values()
        for files in by_encoding.values()
        for _width, _height, name in files
    }


def folder(image):
    """Where every rendition of ``image`` is stored: one folder per original."""
    digest = image.file_digest
    return f"{PREFIX}/{digest[:2]}/{digest[:12]}"


def stored_names(storage, directory):
    """
    The names of the files directly in ``directory``: one listing rather than an
    ``exists()`` per file, which on object storage is a request each.
    """
    try:
        _directories, files = storage.listdir(directory)
    except FileNotFoundError:
        # A folder on disk may not exist yet; a bucket lists an unknown prefix as empty.
        return set()
    return {f"{directory}/{file}" for file in files}


def _files(image):
    """(shape, encoding, width, height, box, name) of every file ``image`` should have."""
    for shape, sizes in plan(image).items():
        shape_encodings = ["jpeg"] if shape == SOCIAL_CARD else encodings()
        for width, height, box in sizes:
            for encoding in shape_encodings:
                name = _name(image, width, height, box, encoding)
                yield shape, encoding, width, height, box, name


def _widths(box, widths):
    box_width = box[2] - box[0]
    fitting = [width for width in sorted(widths) if width <= box_width]
    if box_width < max(widths) and box_width not in fitting:
        # Narrower than the widest size: the image's own width is its largest rendition.
        fitting.append(box_width)
    return fitting


def _height_for(box, width):
    return max(round((box[3] - box[1]) * width / (box[2] - box[0])), 1)


def _name(image, width, height, box, encoding):
    recipe = [
        DRAWING_VERSION,
        image.file_digest,
        box,
        width,
        height,
        processing.ENCODINGS[encoding],
    ]
    token = hashlib.sha256(json.dumps(recipe).encode()).hexdigest()[:10]
    extension = "jpg" if encoding == "jpeg" else encoding
    return f"{folder(image)}/{width}x{height}-{token}.{extension}"
