"""
The production settings with the benchmarks' URLs (bench/urls.py): the floor view is then
served by the same server, through the same middleware, as the pages it is compared with.
"""

import os

from screenmania.settings import *  # noqa: F403 (the whole configuration, on purpose)
from screenmania.settings import STATIC_ROOT

ROOT_URLCONF = "bench.urls"
# bench/load.py collects the static files into its temporary directory, not the checkout's.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT
