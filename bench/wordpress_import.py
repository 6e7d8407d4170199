"""
What importing a large WordPress site costs: `manage.py import_wordpress` on a generated
export of 10,000 posts and 2,000 images (small pictures this script draws, each different,
in a media folder as wp-content/uploads would be), then the same export again, which
finds everything done. Written to wordpress-import.md: wall and processor time, items per
second and the peak resident memory of the process, which shows whether the export is
read as a stream.

Every post has an author of 20, a primary category of 8 and a second one, three tags of
200, a paragraph of French text with a heading, a link and a list; one in five has a
featured image, and one in ten shows an image in its text. It uses a temporary SQLite
database and media folder, so it touches nothing of the checkout's. Takes a quarter of
an hour or more on a busy machine; ``--posts 500 --images 100`` for a quick run.
"""

import argparse
import io
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = Path(__file__).with_name("wordpress-import.md")


def draw(number, folder):
    """A small JPEG unlike any other (its colours come from its number): ``2024/05/photo-N.jpg``."""
    from PIL import Image, ImageDraw

    rng = random.Random(number)  # noqa: S311 (test data, not secrets)
    image = Image.new("RGB", (320, 200), tuple(rng.randrange(256) for _ in range(3)))
    pen = ImageDraw.Draw(image)
    for _ in range(6):
        box = (
            sorted(rng.randrange(320) for _ in range(2)),
            sorted(rng.randrange(200) for _ in range(2)),
        )
        pen.rectangle(
            (box[0][0], box[1][0], box[0][1], box[1][1]),
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    name = f"2024/05/photo-{number}.jpg"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    (folder / name).write_bytes(buffer.getvalue())
    return name


def generate(path, media, posts, images):
    sys.path.insert(0, str(ROOT))
    from tests.wordpress.wxr_files import attachment, export, post

    (media / "2024" / "05").mkdir(parents=True)
    rng = random.Random(22)  # noqa: S311 (test data, not secrets)
    authors = [
        {"id": n, "login": f"auteur{n}", "display_name": f"Autrice {n}", "email": ""}
        for n in range(1, 21)
    ]
    categories = [
        {"id": 100 + n, "slug": f"rubrique-{n}", "name": f"Rubrique {n}"} for n in range(8)
    ]
    tags = [{"id": 1000 + n, "slug": f"sujet-{n}", "name": f"Sujet {n}"} for n in range(200)]
    items = []
    for number in range(1, images + 1):
        file = draw(number, media)
        items.append(
            attachment(
                100_000 + number,
                file,
                title=f"Photo {number}",
                excerpt=f"Légende de la photo {number}",
                postmeta={"_wp_attached_file": file, "_wp_attachment_image_alt": f"Photo {number}"},
            )
        )
    uploads = "https://cinerevue.example/wp-content/uploads"
    for number in range(1, posts + 1):
        first, second = rng.sample(categories, 2)
        terms = [
            ("category", first["slug"], first["name"]),
            ("category", second["slug"], second["name"]),
        ]
        terms += [("post_tag", tag["slug"], tag["name"]) for tag in rng.sample(tags, 3)]
        content = (
            f"<p>Le festival s’ouvre sur le film n° {number} : trois heures de cinéma, "
            '<a href="https://exemple.fr/critique">une critique</a> et <em>beaucoup</em> '
            "de questions.</p>\n<h2>Le contexte</h2>\n<p>Une salle comble, un public conquis."
            "</p>\n<ul><li>Premier point</li><li>Second point</li></ul>"
        )
        postmeta = {}
        if number % 5 == 0:
            postmeta["_thumbnail_id"] = str(100_000 + (number // 5 - 1) % images + 1)
        if number % 10 == 3:
            shown = rng.randrange(1, images + 1)
            content += (
                f'\n<p><img src="{uploads}/2024/05/photo-{shown}-300x187.jpg" alt="Photo"></p>'
            )
        items.append(
            post(
                number,
                title=f"Article numéro {number}",
                creator=rng.choice(authors)["login"],
                content=content,
                categories=terms,
                postmeta=postmeta,
            )
        )
    path.write_bytes(export(*items, authors=authors, categories=categories, tags=tags))


def timed(command):
    """
    Runs ``command``; returns its wall and processor seconds, its peak RSS (MiB) and what
    it printed. wait4() gives the usage of that one process, not of every child so far.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"{command} failed")
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=2_000)
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="screenmania-wordpress-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="screenmania.settings",
        # As in production: no query log kept in memory, which would count in the peak.
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-wordpress-import-" + "k3y-" * 10,
        DJANGO_ALLOWED_HOSTS="localhost",
        DATABASE_URL=f"sqlite:///{workdir}/db.sqlite3",
        MEDIA_ROOT=f"{workdir}/media",
        PRIVATE_ROOT=f"{workdir}/private",
    )
    os.environ.pop("REDIS_URL", None)
    export, media = workdir / "export.xml", workdir / "uploads"
    started = time.perf_counter()
    generate(export, media, arguments.posts, arguments.images)
    print(f"Export of {export.stat().st_size / 1e6:.1f} MB drawn in "
          f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
    manage = [sys.executable, "manage.py"]
    timed([*manage, "migrate", "--no-input", "--verbosity", "0"])
    command = [*manage, "import_wordpress", str(export), "--media", str(media)]
    first = timed([*command, "--verbosity", "0"])
    print(f"First import: {first[0]:.0f} s", flush=True)
    second = timed([*command, "--verbosity", "0"])
    print(f"Second import: {second[0]:.0f} s", flush=True)
    items = arguments.posts + arguments.images
    lines = [
        "# Importing a WordPress site",
        "",
        f"Measured by `bench/wordpress_import.py` on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, SQLite, "
        f"{time.strftime('%Y-%m-%d')}: `manage.py import_wordpress` on a generated export of "
        f"{arguments.posts:,} posts and {arguments.images:,} images "
        f"({export.stat().st_size / 1e6:.1f} MB, the images in a `--media` folder), in a "
        "process of its own, then the same command again. Every image goes through the "
        "library's upload form (checks, cleaning, renditions in AVIF, WebP and JPEG); every "
        "post through `Article.save()` (rendering, search index, revision) with its "
        "redirects. The machine was shared with other work: processor time is the steadier "
        "figure.",
        "",
        "| Run | Wall time | Processor time | Items per second (wall) | Peak memory (RSS) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, (wall, cpu, rss, _output) in [
        ("First import", first),
        ("Same export again", second),
    ]:
        lines.append(
            f"| {label} | {wall:,.0f} s | {cpu:,.0f} s | {items / wall:,.1f} | {rss:,.0f} MiB |"
        )
    lines += ["", "What the first import reported:", "", "```", first[3].strip(), "```"]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"Written to {REPORT}")


if __name__ == "__main__":
    main()
