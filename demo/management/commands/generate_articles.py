"""
A large magazine for measurements: ``manage.py generate_articles 100000`` adds that many
articles (about 3 % of them drafts, in review or scheduled) across the sections, by about
200 authors, under about 2,000 tags of Zipf-like popularity, with a small pool of drawn
featured images, published over the last ten years.

The text is word salad from a small vocabulary of invented French phrases, seeded
(``--seed``): the same arguments on an empty database give the same magazine.

Articles are inserted in batches by Article.objects.bulk_create_derived(), which derives
each one's fields, links its images and indexes it with the functions save() calls; the
handful of Markdown bodies the articles share are rendered once a batch. What ends up in the
database is what save() writes (tests/test_generate_articles.py checks it), except for the
revision history: bulk data has no editor and no past, so no simple-history row is written.
"""

import bisect
import functools
import itertools
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import stored_relations
from articles.models import Article, Authorship, Section
from authors.models import Author
from demo import art as demo_art
from images.models import Image
from markup.rendering import french_typography

# Used only when the site has no section yet: the demo's four, so that `loaddemo` run
# afterwards finds them rather than adding look-alikes.
DEFAULT_SECTIONS = [
    ("cinema", "Cinéma"),
    ("series", "Séries"),
    ("streaming", "Streaming"),
    ("festivals", "Festivals"),
]

# What share of the articles readers cannot see yet, like a real newsroom's backlog.
DRAFT_SHARE = 0.012
REVIEW_SHARE = 0.008
SCHEDULED_SHARE = 0.01
# Headlines are rare: the home page shows the most recent one.
FEATURED_SHARE = 0.002
AI_ASSISTED_SHARE = 0.02
PUBLICATION_SPAN = timedelta(days=3652)
SCHEDULING_SPAN = timedelta(days=30)
TAGS_PER_ARTICLE = (2, 5)
# One author, sometimes two.
SECOND_AUTHOR_SHARE = 0.25
# Zipf exponents: a tag's popularity falls as 1/rank, an author's more gently (a few
# staff writers sign much more than the freelancers, but not ten times more).
TAG_ZIPF = 1.0
AUTHOR_ZIPF = 0.5
BODY_TEMPLATES = 6

CREDIT = "Illustration Screenmania"
LICENCE = "Création originale Screenmania, libre de droits pour le site"

# --------------------------------------------------------------------------- vocabulary

# Every name below is invented; any resemblance is the randomness of a small vocabulary.
FIRST_NAMES = [
    "Adèle", "Bastien", "Camille", "Dounia", "Élise", "Fabien", "Gaëlle", "Hugo", "Inès", "Jules",
    "Karima", "Léon", "Maëlys", "Nathan", "Océane", "Paul", "Quentin", "Rose", "Samir", "Thaïs",
    "Ulysse", "Valentine", "Wassim", "Yasmine", "Zoé", "Antoine", "Bérénice", "Clément",
    "Delphine", "Étienne", "Flora", "Gaspard", "Héloïse", "Ilan", "Jeanne", "Lucien", "Margaux",
    "Noé", "Pauline", "Raphaël",
]  # fmt: skip
LAST_NAMES = [
    "Arnaud", "Benhamou", "Carrel", "Delorme", "Estève", "Fournel", "Garnier", "Hamidi", "Jourdan",
    "Kervella", "Lemaire", "Marchetti", "Nguyen", "Ollivier", "Perrin", "Quémener", "Roussel",
    "Sabatier", "Texier", "Vidal", "Weber", "Aubry", "Baudin", "Chevalier", "Dumas", "Ferrand",
    "Guérin", "Hervé", "Lacroix", "Mallet", "Navarro", "Pelletier", "Renaud", "Sauvage",
    "Thibault", "Vasseur", "Cordier", "Besson", "Leclerc", "Moulin",
]  # fmt: skip
FILM_HEADS = [
    "Les Ombres", "La Maison", "Le Dernier Été", "Les Nuits", "La Traversée", "Le Silence",
    "Les Enfants", "La Ligne", "Le Phare", "Les Saisons", "La Fugue", "Le Royaume",
    "Les Oiseaux", "La Promesse", "Le Bal", "Les Passagers", "La Rivière", "Le Vertige",
    "Les Heures", "La Frontière",
]  # fmt: skip
FILM_TAILS = [
    "de Lisbonne", "du Nord", "d'hiver", "sans fin", "de minuit", "des autres", "du large",
    "de sable", "d'Aurélie", "en feu", "de papier", "du dimanche", "sous la pluie", "de verre",
    "des collines", "du port", "à l'aube", "de Valmoran", "en sourdine", "de la baie",
]  # fmt: skip
CITIES = [
    "Valmoran", "Port-Lanvec", "Montbrézac", "Saint-Aubrac", "Lorvenne", "Brévannes",
    "Kerlouan-sur-Mer", "Castelroux", "Vernelles", "Aiguebelle-la-Haute", "Ternac",
    "Sainte-Odile-des-Prés", "Morvillers", "Belcastel-d'Oust", "Pont-Ardenne", "Lussac-en-Val",
]  # fmt: skip
# The most popular tags, most popular first; names and films fill the long tail.
THEMES = [
    "cinéma français", "séries", "streaming", "critique", "festival", "entretien",
    "box-office", "documentaire", "animation", "cinéma d'auteur", "polar", "science-fiction",
    "comédie", "drame", "horreur", "court métrage", "patrimoine", "salles de cinéma",
    "musique de film", "doublage", "premier film", "adaptation", "biopic", "thriller",
    "western", "comédie musicale", "cinéma asiatique", "cinéma italien", "mini-série",
    "plateformes", "exploitation", "distribution", "tournage", "scénario", "photographie",
    "montage", "effets spéciaux", "jeune public", "rétrospective", "restauration",
    "ciné-club", "intelligence artificielle", "télévision", "podcast", "bande-annonce",
    "palmarès", "cinéma de genre", "à voir", "coup de cœur", "séries françaises",
]  # fmt: skip
SUBJECTS = [
    "la réalisatrice", "le réalisateur", "le scénario", "la mise en scène", "le montage",
    "la photographie", "la bande originale", "l'actrice principale", "le second rôle",
    "cette série", "ce premier film", "la deuxième saison", "le documentaire", "la plateforme",
    "le distributeur", "le public du festival", "la salle", "le jury", "la caméra", "le récit",
    "le chef opérateur", "la productrice", "la distribution", "l'adaptation",
    "le dernier épisode",
]  # fmt: skip
VERBS = [
    "installe", "bouscule", "interroge", "prolonge", "réinvente", "assume", "éclaire",
    "déjoue", "retrouve", "compose", "filme", "raconte", "dessine", "questionne", "épouse",
    "fracture", "apprivoise", "suspend", "révèle", "orchestre",
]  # fmt: skip
OBJECTS = [
    "une tension sourde", "les codes du film noir", "un regard tendre sur l'enfance",
    "la mémoire d'une ville ouvrière", "des silences qui pèsent", "une histoire de famille",
    "le quotidien d'un commissariat", "la lumière de l'hiver", "un huis clos étouffant",
    "les promesses du genre", "la fin d'une époque", "une amitié improbable",
    "le vertige des réseaux", "un road movie mélancolique", "la solitude des grandes villes",
    "une enquête à tiroirs", "le rythme des saisons", "les coulisses d'un tournage",
    "une romance contrariée", "le poids des secrets",
]  # fmt: skip
ENDINGS = [
    "sans jamais forcer le trait", "avec une élégance rare", "au fil d'un récit ample",
    "dès les premières minutes", "jusqu'au dernier plan", "avec un humour discret",
    "en moins de deux heures", "sans céder au pathos", "dans un noir et blanc superbe",
    "avec une précision d'horloger", "au risque de dérouter", "loin des clichés du genre",
    "grâce à une interprétation juste", "au cœur d'un hiver interminable",
    "comme on en voit peu",
]  # fmt: skip
CONNECTORS = ["Pourtant,", "Dans le même temps,", "Surtout,", "Au fond,", "Ensuite,", "Ici,"]
# Title shapes. Placeholders are uppercase words the typography leaves alone, so each
# shape is typeset once and filled in afterwards: French typography only ever touches the
# spaces around punctuation, which the shapes hold and the fillings do not.
TITLE_SHAPES = [
    "« FILM » : CLAIM",
    "Critique : « FILM », OBJECT",
    "Entretien avec PERSON : « CLAIM »",
    "Festival de CITY : « FILM », OBJECT",
    "PERSON VERB OBJECT dans « FILM »",
    "« FILM » : faut-il voir OBJECT ?",
    "Cinq séries pour retrouver OBJECT",
]


@dataclass
class Draft:
    """An article about to be inserted, with what goes in other tables."""

    article: Article
    byline: list
    tags: list


@functools.cache
def typeset_vocabulary():
    """The vocabulary through the site's typography, once: it costs 0.1 ms a phrase."""

    def typeset(values):
        return [french_typography(value) for value in values]

    return {
        "subjects": typeset(SUBJECTS),
        "verbs": typeset(VERBS),
        "objects": typeset(OBJECTS),
        "endings": typeset(ENDINGS),
        "connectors": typeset(CONNECTORS),
        "films": typeset(f"{head} {tail}" for head in FILM_HEADS for tail in FILM_TAILS),
        "title_shapes": typeset(TITLE_SHAPES),
    }


class Phrases:
    """Sentences, titles and standfirsts, drawn from the typeset vocabulary with ``rng``."""

    def __init__(self, rng):
        self.rng = rng
        vocabulary = typeset_vocabulary()
        self.subjects = vocabulary["subjects"]
        self.verbs = vocabulary["verbs"]
        self.objects = vocabulary["objects"]
        self.endings = vocabulary["endings"]
        self.connectors = vocabulary["connectors"]
        self.films = vocabulary["films"]
        self.title_shapes = vocabulary["title_shapes"]

    def sentence(self):
        choice = self.rng.choice
        words = [choice(self.subjects), choice(self.verbs), choice(self.objects)]
        if self.rng.random() < 0.6:
            words.append(choice(self.endings))
        if self.rng.random() < 0.3:
            words.insert(0, choice(self.connectors))
        else:
            words[0] = words[0][0].upper() + words[0][1:]
        return " ".join(words) + "."

    def paragraph(self, sentences):
        return " ".join(self.sentence() for _ in range(sentences))

    def claim(self):
        choice = self.rng.choice
        return f"{choice(self.subjects)} {choice(self.verbs)} {choice(self.objects)}"

    def title(self, person):
        choice = self.rng.choice
        fillings = {
            "FILM": choice(self.films),
            "CLAIM": self.claim(),
            "OBJECT": choice(self.objects),
            "VERB": choice(self.verbs),
            "PERSON": person,
            "CITY": choice(CITIES),
        }
        title = choice(self.title_shapes)
        for placeholder, filling in fillings.items():
            title = title.replace(placeholder, filling)
        return title[0].upper() + title[1:]

    def standfirst(self):
        return self.paragraph(self.rng.randint(2, 3))


class Pool:
    """Items drawn by popularity: the item of rank r weighs 1 / r**exponent (Zipf)."""

    def __init__(self, items, exponent=None, weights=None):
        self.items = items
        if weights is None:
            weights = (1 / rank**exponent for rank in range(1, len(items) + 1))
        self.cumulative_weights = list(itertools.accumulate(weights))

    def pick(self, rng, count=1):
        """``count`` different items, each drawn by popularity."""
        total = self.cumulative_weights[-1]
        picked = {}
        while len(picked) < count:
            index = bisect.bisect(self.cumulative_weights, rng.random() * total)
            picked[index] = self.items[min(index, len(self.items) - 1)]
        return list(picked.values())


class Command(BaseCommand):
    help = (
        "Generate N articles (and the authors, tags and images they need) for load tests "
        "and query plans, quickly, in bulk: no revision history is written for them."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many articles to add.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same magazine.")
        parser.add_argument(
            "--images", type=int, default=12, help="Featured images (and avatars) to draw."
        )
        parser.add_argument("--authors", type=int, default=200)
        parser.add_argument("--tags", type=int, default=2000)
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="Articles inserted per round trip."
        )

    def handle(self, *args, **options):
        if options["count"] < 0 or options["images"] < 1 or options["batch_size"] < 1:
            raise CommandError("count cannot be negative; --images and --batch-size are 1 or more.")
        self.verbosity = options["verbosity"]
        self.seed = options["seed"]
        self.timings = {}
        # The stored HTML holds a few interface words (footnote links): the magazine is
        # French, whatever the shell's locale.
        with translation.override(settings.LANGUAGE_CODE):
            started = time.perf_counter()
            self.generate(options)
        self.report(options["count"], time.perf_counter() - started)

    def generate(self, options):
        with self.timed("images"):
            images = self.featured_pool = self.featured_images(options["images"])
        with self.timed("sections, authors, tags"):
            sections = self.sections()
            authors = self.authors(options["authors"], images_to_draw=options["images"])
            tags = self.tags(options["tags"])
        with self.timed("body templates"):
            bodies = self.bodies(images)
        # All or nothing: an interrupted run leaves no article without its authors, tags
        # or search entry.
        with transaction.atomic():
            self.articles(options["count"], options["batch_size"], sections, authors, tags, bodies)
        # Up-to-date statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE
        # (SQLite) would have them by the time readers come, so that query plans are
        # those of a site in service. Without them SQLite walks every published article
        # and probes the full-text index for each, rather than the reverse: a search for
        # a common word then takes minutes.
        with self.timed("analyze"), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "ANALYZE articles_article, articles_authorship, taggit_taggeditem, "
                    "taggit_tag, authors_author"
                )
            else:
                cursor.execute("ANALYZE")

    def rng_for(self, stage):
        """A generator per stage: what was already there changes no later draw."""
        return random.Random(f"{self.seed}/{stage}")

    # ----------------------------------------------------------------------- the cast

    def featured_images(self, count):
        motifs = list(demo_art.MOTIFS)
        return [
            self.drawn_image(
                f"Généré (graine {self.seed}) : illustration {n + 1}",
                f"generated-{self.seed}-{n + 1}.jpg",
                lambda n=n: demo_art.featured_image(
                    f"generated/{self.seed}/{n}", motifs[n % len(motifs)]
                ),
            )
            for n in range(count)
        ]

    def drawn_image(self, title, filename, draw):
        """The image called ``title``, drawn and saved (renditions included) if missing."""
        image = Image.objects.filter(title=title).first()
        if image is not None:
            return image
        data, alt_text = draw()
        image = Image(
            title=title,
            alt_text=alt_text,
            caption="Illustration générée pour les mesures de charge.",
            credit=CREDIT,
            licence=LICENCE,
        )
        # Through save(), as an upload would be: the renditions pages print are drawn.
        image.file = ContentFile(data, name=filename)
        image.save()
        return image

    def sections(self):
        sections = list(Section.objects.all())
        if not sections:
            for position, (slug, name) in enumerate(DEFAULT_SECTIONS, start=1):
                sections.append(Section.objects.create(slug=slug, name=name, position=position))
        return sections

    def authors(self, count, images_to_draw):
        """
        ``count`` authors, most prolific first; the first ``images_to_draw`` have an
        avatar (drawing one per author would cost more than the articles).
        """
        names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        if count > len(names):
            raise CommandError(f"--authors: at most {len(names)}.")
        existing = Author.objects.in_bulk(field_name="slug")
        authors = []
        rng = self.rng_for("authors")
        for rank, name in enumerate(rng.sample(names, count)):
            slug = slugify(name)
            author = existing.get(slug)
            if author is None:
                avatar = None
                if rank < images_to_draw:
                    avatar = self.drawn_image(
                        f"Généré : avatar {slug}",
                        f"avatar-{slug}.jpg",
                        lambda name=name: demo_art.avatar(name),
                    )
                # save(): an author's bio goes through the Markdown pipeline, and 200
                # of them take no time.
                author = Author.objects.create(
                    slug=slug,
                    name=name,
                    bio=f"{name.split()[0]} écrit sur {rng.choice(THEMES)} et "
                    f"{rng.choice(THEMES)} pour *Screenmania*.",
                    avatar=avatar,
                )
            authors.append(author)
        return authors

    def tags(self, count):
        """``count`` tags, most popular first: themes, festivals, then films and people."""
        people = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        tail = [*typeset_vocabulary()["films"], *people]
        self.rng_for("tags").shuffle(tail)
        names = [*THEMES, *(f"festival de {city}" for city in CITIES), *tail][:count]
        if len(names) < count:
            raise CommandError(f"--tags: at most {len(names)}.")
        # taggit compares names without case (TAGGIT_CASE_INSENSITIVE).
        existing = {tag.name.lower(): tag for tag in Tag.objects.all()}
        taken_slugs = {tag.slug for tag in existing.values()}
        new = []
        for name in names:
            if name.lower() in existing:
                continue
            # ASCII slugs, as loaddemo makes them: the tag URL's <slug:> matches no accent.
            slug = base = slugify(name)
            for n in itertools.count(2):
                if slug not in taken_slugs:
                    break
                slug = f"{base}-{n}"
            taken_slugs.add(slug)
            new.append(Tag(name=name, slug=slug))
        for tag in Tag.objects.bulk_create(new):
            existing[tag.name.lower()] = tag
        return [existing[name.lower()] for name in names]

    # ----------------------------------------------------------------------- bodies

    def bodies(self, images):
        """
        A few Markdown bodies, from a news brief to a long review: every generated article
        has one of them, so each is rendered and stemmed once a batch, not once an article.
        """
        phrases = Phrases(self.rng_for("bodies"))
        bodies = []
        for n in range(BODY_TEMPLATES):
            # Every other template shows a library image in its text, as many articles do.
            image = images[n % len(images)] if n % 2 == 0 else None
            bodies.append(
                self.body_markdown(phrases, paragraphs=4 + 3 * n, image=image, footnote=n % 3 == 1)
            )
        return bodies

    @staticmethod
    def body_markdown(phrases, paragraphs, image, footnote):
        rng = phrases.rng
        blocks = [phrases.paragraph(rng.randint(3, 6))]
        if image is not None:
            blocks.append(f"![](image:{image.pk})")
        for n in range(1, paragraphs):
            if n % 3 == 0:
                heading = rng.choice(phrases.objects)
                blocks.append(f"## {heading[0].upper()}{heading[1:]}")
            if n == 2:
                quote = phrases.claim()
                ending = rng.choice(phrases.endings)
                blocks.append(f"> « {quote[0].upper()}{quote[1:]} », {ending}.")
            if n == 4:
                blocks.append("\n".join(f"- {rng.choice(phrases.films)}" for _ in range(4)))
            text = phrases.paragraph(rng.randint(3, 7))
            if n == 1:
                text += " La [bande-annonce](https://example.org/bande-annonce) est en ligne."
            if footnote and n == 1:
                text += "[^1]"
            blocks.append(text)
        if footnote:
            blocks.append(f"[^1]: {phrases.sentence()}")
        return "\n\n".join(blocks) + "\n"

    # ----------------------------------------------------------------------- articles

    def articles(self, count, batch_size, sections, authors, tags, bodies):
        self.rng = self.rng_for("articles")
        self.phrases = Phrases(self.rng)
        self.sections_pool = Pool(sections, weights=[self.rng.uniform(1, 3) for _ in sections])
        self.authors_pool = Pool(authors, AUTHOR_ZIPF)
        self.tags_pool = Pool(tags, TAG_ZIPF)
        self.bodies = bodies
        content_type = ContentType.objects.get_for_model(Article)
        # Slugs end with a serial number past every article there is: unique whatever the
        # title, and a second run adds articles rather than colliding with the first.
        first_serial = (Article.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        now = timezone.now().replace(second=0, microsecond=0)
        self.states = {"published": 0, "scheduled": 0, "draft": 0, "review": 0}
        for start in range(0, count, batch_size):
            size = min(batch_size, count - start)
            with self.timed("articles: prepare"):
                drafts = [self.article_draft(first_serial + start + n, now) for n in range(size)]
            self.insert(drafts, content_type, batch_size)
            # With DEBUG on, Django keeps every statement it sent, and these hold every
            # article's text: gigabytes by the end of a large run.
            reset_queries()
            if self.verbosity >= 2:
                self.stdout.write(f"  {start + size:,} / {count:,} articles")

    def article_draft(self, serial, now):
        """One unsaved article, with its body template, authors and tags alongside."""
        rng = self.rng
        byline = self.authors_pool.pick(rng, 2 if rng.random() < SECOND_AUTHOR_SHARE else 1)
        title = self.phrases.title(person=rng.choice(self.authors_pool.items).name)
        status, published_at = self.publication(now)
        body = rng.choice(self.bodies)
        article = Article(
            title=title,
            slug=f"{slugify(title)[:180].rstrip('-')}-{serial}",
            standfirst=self.phrases.standfirst(),
            body=body,
            status=status,
            published_at=published_at,
            section=self.sections_pool.pick(rng)[0],
            featured_image=rng.choice(self.featured_pool),
            is_featured=status == Article.Status.PUBLISHED and rng.random() < FEATURED_SHARE,
        )
        if rng.random() < AI_ASSISTED_SHARE:
            article.ai_usage = Article.AIUsage.ASSISTED
            article.ai_usage_note = "Entretien transcrit avec l’aide de l’IA, relu par l’auteur."
        tags = self.tags_pool.pick(rng, rng.randint(*TAGS_PER_ARTICLE))
        return Draft(article, byline, tags)

    def publication(self, now):
        """A status and date: mostly published in the past ten years, a few not yet."""
        draw = self.rng.random()
        if draw < DRAFT_SHARE:
            self.states["draft"] += 1
            return Article.Status.DRAFT, None
        if draw < DRAFT_SHARE + REVIEW_SHARE:
            self.states["review"] += 1
            return Article.Status.REVIEW, None
        if draw < DRAFT_SHARE + REVIEW_SHARE + SCHEDULED_SHARE:
            self.states["scheduled"] += 1
            minutes = self.rng.randint(60, SCHEDULING_SPAN // timedelta(minutes=1))
            return Article.Status.PUBLISHED, now + timedelta(minutes=minutes)
        self.states["published"] += 1
        # To the minute, as editors schedule; save() would drop the microseconds anyway.
        minutes = self.rng.randint(1, PUBLICATION_SPAN // timedelta(minutes=1))
        return Article.Status.PUBLISHED, now - timedelta(minutes=minutes)

    def insert(self, drafts, content_type, batch_size):
        with self.timed("articles: insert, derived fields, images, search index"):
            # Sets each article's primary key, which the rows below refer to.
            Article.objects.bulk_create_derived(
                [draft.article for draft in drafts], batch_size=batch_size
            )
        with self.timed("articles: authors, tags"):
            Authorship.objects.bulk_create(
                [
                    Authorship(article=draft.article, author=author, position=position)
                    for draft in drafts
                    for position, author in enumerate(draft.byline, start=1)
                ],
                batch_size=batch_size * 2,
            )
            TaggedItem.objects.bulk_create(
                [
                    TaggedItem(content_type=content_type, object_id=draft.article.pk, tag=tag)
                    for draft in drafts
                    for tag in draft.tags
                ],
                batch_size=batch_size * 5,
            )
            # Bulk inserts send no signal: the copy their article pages read, stored here.
            stored_relations.store(draft.article.pk for draft in drafts)

    # ----------------------------------------------------------------------- reporting

    def timed(self, step):
        return _Timer(self.timings, step)

    def report(self, count, seconds):
        if self.verbosity < 1:
            return
        states = getattr(self, "states", {})
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {count:,} articles in {seconds:.1f} s "
                f"({count / seconds:,.0f} a second) on {connection.vendor}: "
                + ", ".join(f"{n:,} {state}" for state, n in states.items())
            )
        )
        for step, spent in self.timings.items():
            self.stdout.write(f"  {step}: {spent:.1f} s")


class _Timer:
    """Adds the time spent in a ``with`` block to ``timings[step]``."""

    def __init__(self, timings, step):
        self.timings, self.step = timings, step

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc_info):
        spent = time.perf_counter() - self.started
        self.timings[self.step] = self.timings.get(self.step, 0.0) + spent
