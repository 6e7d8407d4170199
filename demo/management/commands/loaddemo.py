"""
Fills the database with the demo magazine: sections, authors, films and series,
articles (reviews among them), tags, and their illustrations and posters, drawn
by demo.art.

The content lives in demo/content/: site.toml for the sections, authors and
works, one Markdown file per article with a TOML header between +++ lines, and
in pages/ the site's own pages (about, contact, legal notice, privacy) the same way.
Dates are relative to the day the command runs, so that the magazine always has
fresh articles and a full release week. Running the command again leaves
whatever already exists as it is, so it never undoes an editor's change; it only
redraws an illustration whose file has gone. Everything is created through the
models' save(), as the admin saves it: the demo shows what the site makes of a text.
"""

import re
import tomllib
from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, Authorship, Section
from authors.models import Author
from demo import art as demo_art
from frontpage.models import Block, FrontPage, LeadPick
from images.models import Image
from sitepages.models import SitePage
from sitepages.starter import PAGES as STARTER_PAGES
from works.models import Work, release_week_start, split_names

DEMO_DIR = Path(__file__).resolve().parents[2] / "content"
CREDIT = "Illustration Screenmania"
LICENCE = "Création originale Screenmania, libre de droits pour le site"
# In a demo article, ``![…](image:demo:key)`` embeds the illustration its header lists
# under ``[[body_images]]`` with that key; loading swaps in the library's number.
DEMO_IMAGE_RE = re.compile(r"\(image:demo:([a-z0-9-]+)")


def read_article(path):
    """The header fields of one article file, plus its Markdown ``body``."""
    text = path.read_text(encoding="utf-8")
    parts = text.split("+++\n", 2)
    if len(parts) != 3 or parts[0]:
        raise CommandError(f"{path}: expected a TOML header between two +++ lines at the top.")
    try:
        fields = tomllib.loads(parts[1])
    except tomllib.TOMLDecodeError as error:
        raise CommandError(f"{path}: {error}") from error
    fields["body"] = parts[2].strip() + "\n"
    return fields


class Command(BaseCommand):
    help = (
        "Load the demo magazine: sections, authors, films and series, articles, tags, and "
        "drawn illustrations and posters. "
        "Running it again adds nothing and changes nothing."
    )

    def handle(self, *args, **options):
        # The HTML stored at save time holds a few interface words (footnote
        # links); the demo is a French magazine, whatever the shell's locale.
        with translation.override(settings.LANGUAGE_CODE):
            self.load(options["verbosity"])

    def load(self, verbosity):
        self.created = Counter()
        self.redrawn = 0
        site = tomllib.loads((DEMO_DIR / "site.toml").read_text(encoding="utf-8"))
        sections = {data["slug"]: self.load_section(data) for data in site["sections"]}
        authors = {data["slug"]: self.load_author(data) for data in site["authors"]}
        # Before the articles, which name them.
        works = {data["slug"]: self.load_work(data) for data in site.get("works", [])}
        articles = [read_article(path) for path in sorted((DEMO_DIR / "articles").glob("*.md"))]
        for data in articles:
            self.load_article(data, sections, authors, works)
        for path in sorted((DEMO_DIR / "pages").glob("*.md")):
            self.load_site_page(read_article(path))
        self.load_front_page(site.get("front_page", {}), sections)
        if verbosity >= 1:
            tags = {name.lower() for data in articles for name in data.get("tags", [])}
            slugs = [data["slug"] for data in articles]
            body_images = sum(len(data.get("body_images", [])) for data in articles)
            self.report(slugs, len(sections), len(authors), len(works), len(tags), body_images)

    def load_section(self, data):
        section, created = Section.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "name": data["name"],
                "description": data.get("description", ""),
                "position": data.get("position", 0),
            },
        )
        self.created["sections"] += created
        return section

    def load_author(self, data):
        slug, name = data["slug"], data["name"]
        author = Author.objects.select_related("avatar").filter(slug=slug).first()
        title = f"Démo : avatar {slug}"
        if author is not None:
            if author.avatar and author.avatar.title == title:
                self.ensure_file(author.avatar, f"avatar-{slug}.jpg", lambda: demo_art.avatar(name))
            if not author.role and data.get("role"):
                # A demo loaded before authors had a role line.
                author.role = data["role"]
                author.save(update_fields=["role"])
            return author
        avatar = self.illustration(
            title, f"avatar-{slug}.jpg", lambda: demo_art.avatar(name), caption=name
        )
        self.created["authors"] += 1
        return Author.objects.create(
            slug=slug,
            name=name,
            bio=data.get("bio", "").strip(),
            role=data.get("role", ""),
            signature=data.get("signature", ""),
            website=data.get("website", ""),
            avatar=avatar,
        )

    def load_work(self, data):
        slug = data["slug"]
        title = f"Démo : affiche {slug}"
        filename = f"affiche-{slug}.jpg"

        def draw():
            return demo_art.poster(
                data["title"],
                kind=data["kind"],
                names=tuple(split_names(data.get("directors", ""))),
                cast=tuple(split_names(data.get("cast", ""))),
                **data["poster"],
            )

        work = Work.objects.select_related("poster").filter(slug=slug).first()
        if work is not None:
            if work.poster and work.poster.title == title:
                self.ensure_file(work.poster, filename, draw)
            return work
        release_date, platform_date = self.work_dates(data)
        caption = f"L'affiche de « {data['title']} »."
        work = Work.objects.create(
            slug=slug,
            title=data["title"],
            original_title=data.get("original_title", ""),
            kind=data["kind"],
            year=self.work_year(data, release_date, platform_date),
            directors=data.get("directors", ""),
            cast=data.get("cast", ""),
            countries=data.get("countries", []),
            runtime=data.get("runtime"),
            seasons=data.get("seasons"),
            release_date=release_date,
            platform=data.get("platform", ""),
            platform_date=platform_date,
            synopsis=data.get("synopsis", "").strip(),
            poster=self.illustration(title, filename, draw, caption=caption),
        )
        self.created["works"] += 1
        return work

    @staticmethod
    def work_dates(data):
        """Cinema release from this release week's Wednesday, platform date from today."""
        today = timezone.localdate()
        release_date = platform_date = None
        if "release_in_days" in data:
            release_date = release_week_start(today) + timedelta(days=data["release_in_days"])
        if "platform_in_days" in data:
            platform_date = today + timedelta(days=data["platform_in_days"])
        return release_date, platform_date

    @staticmethod
    def work_year(data, release_date, platform_date):
        """As given, or counted back from this year, or that of its first release."""
        if "year" in data:
            return data["year"]
        if "years_ago" in data:
            return timezone.localdate().year - data["years_ago"]
        first = min(filter(None, (release_date, platform_date)), default=timezone.localdate())
        return first.year

    def load_article(self, data, sections, authors, works):
        slug = data["slug"]
        title = f"Démo : illustration {slug}"
        filename = f"{slug}.jpg"

        def draw():
            return demo_art.featured_image(slug, data["motif"])

        article = Article.objects.select_related("featured_image").filter(slug=slug).first()
        if article is not None:
            if article.featured_image and article.featured_image.title == title:
                self.ensure_file(article.featured_image, filename, draw)
            return
        try:
            discussed = [works[work_slug] for work_slug in data.get("works", [])]
            reviewed = works[data["review_of"]] if "review_of" in data else None
        except KeyError as error:
            raise CommandError(f"{slug}: no work {error} in site.toml.") from error
        # All or nothing: a run stopped halfway leaves no article without its
        # authors, tags or works, and the next run simply creates it.
        with transaction.atomic():
            article = Article.objects.create(
                slug=slug,
                title=data["title"],
                standfirst=data["standfirst"].strip(),
                body=self.body_with_images(slug, data),
                section=sections[data["section"]],
                status=data.get("status", Article.Status.PUBLISHED),
                published_at=self.publication_date(data),
                is_featured=data.get("featured", False),
                featured_image=self.illustration(title, filename, draw, caption=data["caption"]),
                reviewed_work=reviewed,
                rating=Decimal(str(data["rating"])) if "rating" in data else None,
                spoilers=data.get("spoilers", ""),
                embargo_until=self.embargo(data),
            )
            for position, author_slug in enumerate(data["authors"], start=1):
                Authorship.objects.get_or_create(
                    article=article, author=authors[author_slug], defaults={"position": position}
                )
            article.tags.add(*(self.tag(name) for name in data.get("tags", [])))
            # A review is about its work too, so that it is listed on the work's page.
            article.works.set({*discussed, *([reviewed] if reviewed else [])})
        self.created["articles"] += 1

    @transaction.atomic
    def load_front_page(self, data, sections):
        """The desk's arrangement of the home page, unless an editor has arranged it."""
        front_page = FrontPage.objects.first() or FrontPage.objects.create()
        if front_page.leads.exists() or front_page.blocks.exists():
            return
        picked = [*data.get("leads", ())]
        for block in data.get("blocks", ()):
            picked += block.get("articles", ())
        articles = Article.objects.in_bulk(picked, field_name="slug")
        for place, slug in enumerate(data.get("leads", ()), start=1):
            LeadPick.objects.create(front_page=front_page, place=place, article=articles[slug])
        for position, block in enumerate(data.get("blocks", ()), start=1):
            made = Block.objects.create(
                front_page=front_page,
                position=position,
                kind=block["kind"],
                section=sections[block["section"]] if "section" in block else None,
                tag=self.tag(block["tag"]) if "tag" in block else None,
                heading=block.get("heading", ""),
                size=block.get("size", 4),
            )
            made.articles.set([articles[slug] for slug in block.get("articles", ())])
        self.created["front page"] += 1

    def load_site_page(self, data):
        """
        The demo's text of a site page, in place of the starter text a new site is given
        (sitepages/starter.py), never over the text an editor wrote.
        """
        page = SitePage.objects.filter(slug=data["slug"]).first()
        starter = STARTER_PAGES.get(data["slug"], (None, None))[1]
        if page is not None and page.body != starter:
            return
        page = page or SitePage(slug=data["slug"])
        page.title, page.body = data["title"], data["body"]
        page.save()
        self.created["site pages"] += 1

    def body_with_images(self, slug, data):
        """The body, its demo image references turned into library numbers."""
        images = {}
        for entry in data.get("body_images", []):
            key = entry["key"]

            def draw(key=key, motif=entry["motif"]):
                return demo_art.featured_image(f"{slug}/{key}", motif)

            images[key] = self.illustration(
                f"Démo : {slug}, {key}", f"{slug}-{key}.jpg", draw, caption=entry["caption"]
            )
        try:
            return DEMO_IMAGE_RE.sub(lambda m: f"(image:{images[m.group(1)].pk}", data["body"])
        except KeyError as error:
            raise CommandError(f"{slug}: no body image with the key {error}.") from error

    @staticmethod
    def publication_date(data):
        """``days_ago`` before today at ``time``, local time; a negative number schedules."""
        if "days_ago" not in data:
            return None
        day = timezone.localdate() - timedelta(days=data["days_ago"])
        return timezone.make_aware(datetime.combine(day, data.get("time", time(9))))

    @staticmethod
    def embargo(data):
        """``embargo_in_days`` after today, at the article's ``time``: when it may come out."""
        if "embargo_in_days" not in data:
            return None
        day = timezone.localdate() + timedelta(days=data["embargo_in_days"])
        return timezone.make_aware(datetime.combine(day, data.get("time", time(9))))

    def tag(self, name):
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is not None:
            return tag
        # taggit keeps accents in the slugs it makes ("séries-françaises"),
        # which the <slug:> converter of the tag URL does not match.
        slug = base = slugify(name)
        n = 1
        while Tag.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        self.created["tags"] += 1
        return Tag.objects.create(name=name, slug=slug)

    def illustration(self, title, filename, draw, caption):
        """The demo image called ``title``, created with a drawn file if it does not exist."""
        image = Image.objects.filter(title=title).first()
        if image is not None:
            self.ensure_file(image, filename, draw)
            return image
        data, alt_text = draw()
        image = Image(
            title=title, alt_text=alt_text, caption=caption, credit=CREDIT, licence=LICENCE
        )
        self.save_file(image, filename, data)
        self.created["images"] += 1
        return image

    def ensure_file(self, image, filename, draw):
        """Redraws the file of a demo image if it went missing (a fresh MEDIA_ROOT)."""
        if image.file and image.file.storage.exists(image.file.name):
            return
        data, _alt_text = draw()
        self.save_file(image, filename, data)
        self.redrawn += 1

    @staticmethod
    def save_file(image, filename, data):
        # Assigned, not saved straight to storage, so that the image goes through the
        # same cleaning as an upload; a nameless ContentFile would read as no file.
        image.file = ContentFile(data, name=filename)
        image.save()

    def report(self, slugs, sections, authors, works, tags, body_images):
        demo = Article.objects.filter(slug__in=slugs)
        states = {
            "published": demo.published().count(),
            "scheduled": demo.scheduled().count(),
            "in review": demo.in_review().count(),
            "draft": demo.drafts().count(),
        }
        new = self.created
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo magazine: {len(slugs)} articles ({new['articles']} new; "
                + ", ".join(f"{count} {state}" for state, count in states.items())
                + ")"
            )
        )
        reviews = demo.filter(reviewed_work__isnull=False).count()
        self.stdout.write(f"  {works} films and series ({new['works']} new), {reviews} reviews")
        images = f"{len(slugs) + authors + works + body_images} images ({new['images']} new"
        images += f", {self.redrawn} redrawn)" if self.redrawn else ")"
        self.stdout.write(
            f"  {sections} sections ({new['sections']} new), {authors} authors "
            f"({new['authors']} new), {images}, {tags} tags ({new['tags']} new)"
        )
        newsroom = settings.SITE_URL + reverse("admin:index")
        self.stdout.write(f"  Site: {settings.SITE_URL}/  Newsroom: {newsroom}")
