"""
What the hostile texts of tests/pathological_bodies.py cost to save and to preview, as a
contributor sends them through the admin, written to hostile-text.md, slowest first.

The tests hold each under a second of processor time; this says how far under, and which
family comes closest, next to two articles for comparison: a dense one of the longest
length allowed, and a 10,000-word long-read (tests/long_read.py). Time is the processor
time of the request's thread (time.thread_time), the best of three tries, so that the
machine's other work does not count. It uses a temporary SQLite database, so it touches
nothing of the checkout's.
"""

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = Path(__file__).with_name("hostile-text.md")
TRIES = 3


def best_of(send):
    """The response of the last try and the least processor time of TRIES."""
    timings = []
    for attempt in range(TRIES):
        start = time.thread_time()
        response = send(attempt)
        timings.append(time.thread_time() - start)
    return response, min(timings)


def main():
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix="screenmania-hostile-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="screenmania.settings",
        DJANGO_DEBUG="1",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{workdir}/db.sqlite3",
        MEDIA_ROOT=f"{workdir}/media",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from bs4 import BeautifulSoup
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article
    from markup.rendering import BODY_MAX_CHARS
    from tests.admin_forms import new_article_fields
    from tests.factories import make_member, make_section
    from tests.long_read import long_read
    from tests.pathological_bodies import PATHOLOGICAL_BODIES

    call_command("migrate", verbosity=0)
    client = Client(raise_request_exception=False)
    client.force_login(make_member("Contributeur", "camille"))
    section = make_section()
    add, preview = (
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_writing_preview"),
    )
    paragraph = (
        "Le festival s’ouvre sur un film « hors norme » : trois heures de cinéma, "
        "[une critique](https://exemple.fr/critique) et *beaucoup* de questions. "
    ) * 8
    bodies = {
        "(for comparison) a dense article of the longest length": "\n\n".join(
            ["## Intertitre", paragraph] * 200
        )[: BODY_MAX_CHARS - 20],
        "(for comparison) a 10,000-word long-read": long_read(),
        **PATHOLOGICAL_BODIES,
    }

    rows = []
    for name, body in bodies.items():
        # A new text each try: the pipeline remembers the texts it parsed last.
        def save(attempt, body=body):
            Article.objects.all().delete()
            data = new_article_fields(f"Essai {attempt}.\n\n{body}", section)
            return client.post(add, data)

        saved, save_seconds = best_of(save)
        _, preview_seconds = best_of(
            lambda attempt, body=body: client.post(preview, {"body": f"{attempt}\n\n{body}"})
        )
        if saved.status_code == 302:
            outcome = "saved"
        else:
            errors = BeautifulSoup(saved.content, "html.parser").select(".field-body .errorlist li")
            outcome = errors[0].get_text()[:90] + "…" if errors else f"status {saved.status_code}"
        rows.append((max(save_seconds, preview_seconds), name, len(body), save_seconds,
                     preview_seconds, outcome))  # fmt: skip
        print(f"{name}: save {save_seconds:.2f} s, preview {preview_seconds:.2f} s", flush=True)

    rows.sort(reverse=True)
    lines = [
        "# Hostile texts: what they cost to save and to preview",
        "",
        f"Measured by `bench/hostile_text.py` on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores: processor time of the "
        f"request, best of {TRIES}, as a contributor posts the article form and the live "
        "preview. The limit the tests hold is 1 s.",
        "",
        "| Text | Characters | Save | Preview | Outcome of the save |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for _, name, length, save_seconds, preview_seconds, outcome in rows:
        cell = outcome.replace("|", "\\|")
        lines.append(
            f"| {name} | {length:,} | {save_seconds:.2f} s | {preview_seconds:.2f} s | {cell} |"
        )
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"Slowest: {rows[0][1]}, {rows[0][0]:.2f} s. Written to {REPORT}")


if __name__ == "__main__":
    main()
