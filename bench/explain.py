"""
Query plans of the reader pages on PostgreSQL with 100,000 generated articles: every query
the home, section, tag, author, search and article pages run, with PostgreSQL's
EXPLAIN (ANALYZE, BUFFERS), and whether it reads through an index.

Run by ``make bench-explain``; needs DATABASE_URL to name a PostgreSQL server (on which a
database ``screenmania_bench_explain`` is created, then dropped). The queries are not
written here: each page is requested through its URL, view and template, as a reader's
request would be (RequestFactory, the resolved view, the response rendered), and the SQL
Django sent is captured, so the report cannot drift from the code. Each page is rendered
twice and the second one explained, so that plans are those of a warm server.

Report: bench/explain.md. Exit status 2 without a PostgreSQL DATABASE_URL.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import magazine, targets  # noqa: E402 (needs the checkout on the path)

REPORT = Path(__file__).resolve().parent / "explain.md"
DATABASE = "screenmania_bench_explain"
DEEP_PAGE = 500
# A sequential scan of the article table reading more than this share of it is what an
# index should spare a list page; a plan that joins, filters or sorts this many rows to
# show a dozen deserves a look.
WHOLE_TABLE_SHARE = 0.5
MANY_ROWS = 10_000
LISTS = {"home": "Home", "section": "Section", "tag": "Tag", "author": "Author"}


@dataclass
class Query:
    sql: str
    plan_text: str
    plan: dict
    table_rows: int

    @property
    def milliseconds(self):
        return self.plan["Execution Time"]

    def nodes(self):
        pending = [self.plan["Plan"]]
        while pending:
            node = pending.pop()
            yield node
            pending.extend(node.get("Plans", []))

    @property
    def indexes(self):
        return sorted({node["Index Name"] for node in self.nodes() if "Index Name" in node})

    @property
    def problems(self):
        """What makes the plan read far more rows than the page shows, in words."""
        found = []
        for node in self.nodes():
            loops = node["Actual Loops"]
            if node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "articles_article":
                read = loops * (node["Actual Rows"] + node.get("Rows Removed by Filter", 0))
                if read >= WHOLE_TABLE_SHARE * self.table_rows:
                    found.append(f"reads the whole article table ({read:,} rows)")
            discarded = loops * node.get("Rows Removed by Join Filter", 0)
            if discarded >= MANY_ROWS:
                found.append(
                    f"discards {discarded:,} joined rows on `{node['Join Filter']}`, "
                    "a condition no index serves"
                )
            if node.get("Parent Relationship") == "SubPlan" and loops >= MANY_ROWS // 10:
                found.append(f"runs a subquery {loops:,} times")
            if node["Node Type"] in {"Sort", "Incremental Sort"}:
                child = node["Plans"][0]
                sorted_rows = child["Actual Loops"] * child["Actual Rows"]
                if sorted_rows >= MANY_ROWS:
                    found.append(f"sorts {sorted_rows:,} rows")
        return found

    @property
    def verdict(self):
        if self.problems:
            return "**" + "; ".join(self.problems) + "**"
        if self.indexes:
            return "index: " + ", ".join(f"`{name}`" for name in self.indexes)
        return "no index needed (small table)"

    @property
    def summary(self):
        """The statement, shortened to its shape: what it selects from, and how it ends."""
        sql = " ".join(self.sql.split())
        head = sql.split(" FROM ", 1)
        tail = head[1] if len(head) == 2 else sql
        return (tail[:160] + "…") if len(tail) > 160 else tail


@dataclass
class Page:
    name: str
    path: str
    articles: int | None = None
    queries: list = field(default_factory=list)

    @property
    def milliseconds(self):
        return sum(query.milliseconds for query in self.queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--keep", action="store_true", help=f"leave the database {DATABASE} for a next --reuse"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"explain {DATABASE} as it is if it already holds --articles articles",
    )
    args = parser.parse_args()
    server = magazine.postgresql_server_url()
    if server is None:
        print(
            "bench/explain.py needs DATABASE_URL to name a PostgreSQL server: "
            'bash scripts/services.sh postgres && eval "$(bash scripts/services.sh env)"',
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="screenmania-explain-") as workdir:
        env = build_environment(Path(workdir))
        url = magazine.with_database(server, DATABASE)
        started = time.perf_counter()
        if args.reuse and magazine.postgresql_has_articles(url, args.articles):
            print(f"Reusing {DATABASE}, migrated to the checkout's models.", flush=True)
            # New migrations (an index, say) apply here, so a plan can be compared before
            # and after them without generating the articles again.
            magazine.manage({**env, "DATABASE_URL": url}, "migrate", "--no-input", "-v", "0")
            pages = explain_database(url, env)
        else:
            with magazine.postgresql_database(server, DATABASE, keep=args.keep) as url:
                env["DATABASE_URL"] = url
                print(f"Generating {args.articles:,} articles in {DATABASE}…", flush=True)
                magazine.build(env, args.articles)
                pages = explain_database(url, env)
        print(f"Done in {time.perf_counter() - started:.0f} s.", flush=True)
    report = render_report(pages)
    REPORT.write_text(report, encoding="utf-8")
    # The summary; every plan is in the file.
    print(report.split("\n## ", 1)[0])
    print(f"Plans: {REPORT}")
    return 0


def build_environment(workdir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "screenmania.settings",
        "DJANGO_DEBUG": "1",
        "MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        # Nothing is cached here, and a developer's Redis must not receive this run's keys.
        "DJANGO_PAGE_CACHE": "0",
    }
    env.pop("REDIS_URL", None)
    return env


def explain_database(url, env):
    """Configures Django on the database at ``url`` and explains every page's queries."""
    os.environ.update(env, DATABASE_URL=url)
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_article")
        (table_rows,) = cursor.fetchone()
    picked = targets.pick()
    pages = []
    for name, path, articles in pages_to_explain(picked):
        page = Page(name, path, articles)
        for sql in captured_queries(path):
            page.queries.append(explain(sql, table_rows))
        print(f"  {name}: {len(page.queries)} queries, {page.milliseconds:.1f} ms", flush=True)
        pages.append(page)
    return pages


def pages_to_explain(picked):
    """(name, path, articles listed) for the first page and a deep one of each list."""
    for name, label in LISTS.items():
        path, articles = picked[name]["path"], picked[name]["articles"]
        yield (label if name == "home" else f"{label} ({articles:,} articles)"), path, articles
        page = min(DEEP_PAGE, targets.last_page(articles))
        yield f"{label}, page {page}", f"{path}?page={page}", articles
    search = picked["search"]
    yield f"Search « {targets.SEARCH_WORDS} »", search["path"], search["articles"]
    narrow = search["path"].split("?")[0] + "?" + urlencode({"q": targets.NARROW_SEARCH_WORDS})
    yield f"Search « {targets.NARROW_SEARCH_WORDS} »", narrow, None
    yield "Article (the latest)", picked["article"]["path"], None


def captured_queries(path):
    """The SQL of the second of two renderings of ``path`` (the first warms Django's caches)."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve

    for _ in range(2):
        request = RequestFactory(SERVER_NAME="127.0.0.1").get(path)
        request.user = AnonymousUser()
        match = resolve(request.path_info)
        with CaptureQueriesContext(connection) as captured:
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return [query["sql"] for query in captured.captured_queries]


def explain(sql, table_rows):
    from django.db import connection

    with connection.cursor() as cursor:
        # Client-side binding: the captured SQL holds its parameters, so it runs as it is.
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        plans = cursor.fetchone()[0]
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        text = "\n".join(row[0] for row in cursor.fetchall())
    if isinstance(plans, str):
        plans = json.loads(plans)
    return Query(sql, text, plans[0], table_rows)


def render_report(pages):
    import django
    from django.db import connection

    table_rows = pages[0].queries[0].table_rows if pages and pages[0].queries else 0
    lines = [
        "# Query plans of the reader pages",
        "",
        f"Generated by `make bench-explain` (`bench/explain.py`) on "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: {table_rows:,} generated articles "
        "(`manage.py generate_articles`), after `VACUUM (ANALYZE)`. Each page was rendered "
        "through its view and template, twice; every query of the second rendering is shown "
        "with `EXPLAIN (ANALYZE, BUFFERS)`. Times are PostgreSQL's execution times, without "
        "the network and Django.",
        "",
        f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}, "
        f"Django {django.get_version()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores.",
        "",
        "| Page | Queries | Total ms | Slowest query ms | How the slowest query reads |",
        "| --- | --- | --- | --- | --- |",
    ]
    for page in pages:
        slowest = max(page.queries, key=lambda query: query.milliseconds)
        lines.append(
            f"| [{page.name}](#{anchor(page.name)}) | {len(page.queries)} | "
            f"{page.milliseconds:.1f} | {slowest.milliseconds:.1f} | {slowest.verdict} |"
        )
    for page in pages:
        lines += ["", f"## {page.name}", "", f"`{page.path}`", ""]
        for number, query in enumerate(page.queries, start=1):
            lines += [
                f"### {page.name}: query {number}, {query.milliseconds:.2f} ms",
                "",
                f"{query.verdict}. `…FROM {query.summary}`",
                "",
                "<details><summary>SQL</summary>",
                "",
                "```sql",
                query.sql,
                "```",
                "",
                "</details>",
                "",
                "```",
                query.plan_text,
                "```",
                "",
            ]
    return "\n".join(lines) + "\n"


def anchor(title):
    """GitHub's anchor for a heading: lower case, spaces to dashes, punctuation dropped."""
    kept = "".join(char for char in title.lower() if char.isalnum() or char in " -")
    return kept.replace(" ", "-")


if __name__ == "__main__":
    sys.exit(main())
