"""
The article page built from nothing, in process: what one request costs a warm worker
when no cache keeps anything (the page cache off, no Redis), the
case of a page nobody asked for lately, or of a site whose Redis is gone.

Requests the page through Django's test client, so through the whole middleware stack
and URL resolution as gunicorn would, but without the network: ``--warmup`` requests
first (templates compiled, connections open, translations loaded), then ``--requests``
timed ones. Prints one line of JSON: the median and the 99th percentile in milliseconds,
the processor time this process spent a request on average (``cpu_ms``: on a shared
machine, what the page costs us apart from waiting for the processor or the database),
and the queries one request sends. ``--profile`` prints where the time goes instead
(cProfile, sorted by cumulative time).

Run by bench/load.py against each engine's generated magazine, or by hand with the
database of the environment: ``python -m bench.article_build /articles/<slug>/``.
"""

import argparse
import json
import os
import statistics
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("path", help="the article page's path")
    parser.add_argument("--host", default="127.0.0.1", help="a host ALLOWED_HOSTS accepts")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="cProfile's top functions")
    args = parser.parse_args()

    # Built from nothing: nothing kept from one request to the next.
    os.environ["DJANGO_PAGE_CACHE"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=args.host)

    def request():
        response = client.get(args.path)
        if response.status_code != 200:
            raise SystemExit(f"{args.path} answered {response.status_code}, not 200")
        return response

    for _ in range(args.warmup):
        request()
    if args.profile:
        profile(request, args.requests)
        return
    timings = []
    cpu_started = time.process_time()
    for _ in range(args.requests):
        started = time.perf_counter()
        request()
        timings.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / args.requests
    with CaptureQueriesContext(connection) as queries:
        request()
    timings.sort()
    print(
        json.dumps(
            {
                "requests": len(timings),
                "median_ms": round(statistics.median(timings), 2),
                "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2),
                "cpu_ms": round(cpu_ms, 2),
                "queries": len(queries),
            }
        )
    )


def profile(request, requests):
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        request()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
