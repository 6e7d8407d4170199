"""
Vendors the headline typeface into static/fonts/: Fraunces Bold from the npm package
@fontsource/fraunces (the version and checksum below), cut down to the characters French
text needs and saved as WOFF2, with the font's licence beside it.

    .venv/bin/python scripts/vendor_fonts.py

The files are committed: running the site and CI need neither npm nor this script. Run it
again only to change the font or the characters; tests/test_fonts.py checks the result.

Fraunces carries no Reserved Font Name, so the OFL lets a subset keep its name.
"""

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

PACKAGE = "@fontsource/fraunces"
VERSION = "5.3.0"
INTEGRITY = (
    "sha512-LEHTOBiZufQzAvnAe2rZ8ZknbDS28Q9kzwb0L+gZJEmjLG"
    "r8hhZ/5NuHXwDuHBWhVXYoiGGXmrb0H6Ko/RrHTg=="
)
# The package's "latin" cut already holds every glyph French needs; the rest of it
# (arrows, the whole General Punctuation block, combining marks) is dead weight here.
SOURCE = "package/files/fraunces-latin-700-normal.woff2"
FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
OUTPUT = FONTS / "fraunces-700-french.woff2"
LICENCE = FONTS / "fraunces-OFL.txt"

# ASCII and Latin-1 (accented letters, « », the no-break space), œ and Œ, then French
# punctuation: thin and narrow no-break spaces (before « ; : ! ? » and inside
# guillemets), the non-breaking hyphen, en and em dashes, curly quotes, the ellipsis,
# single guillemets, the euro, the trade mark and the replacement character. Ÿ is not
# in the package's latin cut: the few place names that need it get the fallback serif.
FRENCH = (
    "U+0020-007E,U+00A0-00FF,U+0152-0153,U+2010-2011,U+2013-2014,"
    "U+2018-2019,U+201C-201E,U+2022,U+2026,U+2039-203A,U+20AC,U+2122,U+FFFD"
)
# Fraunces draws neither of the thin spaces markup/ puts before « ; : ! ? » and inside
# guillemets: added as blank glyphs, each half a word space wide, lest every headline
# take its spaces from the fallback font.
THIN_SPACES = {0x2009: "uni2009", 0x202F: "uni202F"}


def download(workdir):
    """The package's tarball as npm checks and unpacks it, verified against INTEGRITY."""
    npm = shutil.which("npm") or sys.exit("npm is needed to fetch the font package.")
    subprocess.run(  # noqa: S603 (npm with the pinned package name, no shell)
        [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", workdir],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tarball,) = Path(workdir).glob("*.tgz")
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        sys.exit(f"{tarball.name}: checksum differs from the one pinned in this script")
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return Path(workdir)


def add_thin_spaces(path):
    font = TTFont(path)
    cmap = font.getBestCmap()
    width = font["hmtx"][cmap[ord(" ")]][0] // 2
    for code, name in THIN_SPACES.items():
        blank = Glyph()
        blank.numberOfContours = 0
        font["glyf"][name] = blank
        font["hmtx"][name] = (width, 0)
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[code] = name
    font.setGlyphOrder(font["glyf"].glyphOrder)
    font.save(path)


def main():
    with tempfile.TemporaryDirectory() as workdir:
        package = download(workdir)
        FONTS.mkdir(exist_ok=True)
        subset.main(
            [
                str(package / SOURCE),
                f"--unicodes={FRENCH}",
                # Kerning and the f-ligatures; no hinting, which screens that get a web
                # font ignore, and no old-style figures or small caps that nobody asks for.
                "--layout-features=kern,liga",
                "--no-hinting",
                "--desubroutinize",
                "--flavor=woff2",
                f"--output-file={OUTPUT}",
            ]
        )
        add_thin_spaces(OUTPUT)
        shutil.copyfile(package / "package" / "LICENSE", LICENCE)
    print(f"{OUTPUT.relative_to(FONTS.parent.parent)}: {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
