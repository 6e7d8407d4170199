"""
A newsroom at work during the load test's "publishing" mode (bench/load.py): publishes a
draft every ``--every`` seconds until it is stopped (SIGTERM), then prints how many it
published and in how many seconds. Each goes through ``workflow.publish_now()``, as the
admin's button does: a revision, the search index, the page cache's stamps. One that takes
longer than ``--every`` is followed at once by the next. Every list and every article page
(« À lire aussi ») is stale after each one.

Run with the server's environment: ``python -m bench.publisher --every 0.5``.
"""

import argparse
import os
import signal
import threading
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--every", type=float, default=0.5, help="seconds between two")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from newsroom import workflow

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    # A superuser may publish anything, as the desk's editor does.
    desk, _created = get_user_model().objects.get_or_create(
        username="bench-desk", defaults={"is_staff": True, "is_superuser": True}
    )
    drafts = list(
        Article.objects.filter(status=Article.Status.DRAFT, embargo_until__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    published = 0
    started = next_at = time.monotonic()
    for pk in drafts:
        if stopped.wait(max(0.0, next_at - time.monotonic())):
            break
        next_at += args.every
        published += workflow.publish_now(Article.objects.get(pk=pk), desk)
    print(published, round(time.monotonic() - started, 1), flush=True)


if __name__ == "__main__":
    main()
