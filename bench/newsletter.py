"""
What sending an edition to a large audience costs: 100,000 confirmed subscribers of the
daily letter, an edition of six articles sent by two task workers (manage.py
tasks_worker, as production runs them) to a local SMTP sink (aiosmtpd in a process of
its own, accepting every message without reading it). Written to newsletter.md: the
time from « send » to the edition marked sent, messages per second, and each process's
processor time and peak resident memory.

It uses a temporary SQLite database, so it touches nothing of the checkout's; the
target is the whole edition in under 15 minutes on a 2-core machine (issue 23).
``--subscribers 5000`` for a quick run.
"""

import argparse
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = Path(__file__).with_name("newsletter.md")


def sink(port, counter):
    """An SMTP server that accepts everything: counts the messages, writes the count."""
    from aiosmtpd.controller import Controller

    class Count:
        messages = 0
        size = 0

        async def handle_DATA(self, server, session, envelope):
            Count.messages += 1
            Count.size += len(envelope.content)
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()

    def stop(*_):
        controller.stop()
        Path(counter).write_text(f"{Count.messages} {Count.size}")
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    while True:
        time.sleep(1)
        Path(counter).write_text(f"{Count.messages} {Count.size}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(subscribers):
    """The audience and an edition, written straight to the database in bulk."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.utils import timezone

    from newsletter.models import Edition, EditionArticle, Letter, Subscriber, Subscription

    # Measured alone: the daily digest, which sends itself at its hour, is kept still.
    Letter.objects.update(send_time=None)
    letter = Letter.objects.get(kind=Letter.Kind.DAILY)
    now = timezone.now()
    for start in range(0, subscribers, 10_000):
        made = Subscriber.objects.bulk_create(
            Subscriber(email=f"lecteur{n}@lecteurs.example", confirmed_at=now)
            for n in range(start, min(start + 10_000, subscribers))
        )
        Subscription.objects.bulk_create(
            Subscription(
                subscriber=reader, letter=letter, consented_at=now, consent_text="Je m’abonne."
            )
            for reader in made
        )
    edition = Edition.objects.create(
        letter=letter,
        subject="La Quotidienne : six films à voir cette semaine",
        intro="Bonjour ! Voici ce que la rédaction a vu, aimé et détesté depuis hier.",
    )
    from tests.factories import make_article

    for position in range(6):
        article = make_article(
            title=f"Le film numéro {position} : trois heures de cinéma",
            standfirst="Une salle comble, un public conquis, et beaucoup de questions.",
            body="Le festival s’ouvre sur un film de trois heures.\n\n" * 8,
        )
        EditionArticle.objects.create(edition=edition, article=article, position=position)
    return edition


def peak_memory(process):
    """
    The peak resident memory (MiB) of a running process. Not wait4()'s ru_maxrss, which
    on Linux counts this script's own memory at the fork.
    """
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(process):
    """Processor seconds and peak memory (MiB) of a process this script started."""
    peak = peak_memory(process)
    process.send_signal(signal.SIGTERM)
    _pid, _status, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="screenmania-newsletter-"))
    port = free_port()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="screenmania.settings",
        # As in production: no query log kept in memory, which would count in the peak.
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-newsletter-" + "k3y-" * 10,
        DJANGO_ALLOWED_HOSTS="localhost",
        DATABASE_URL=f"sqlite:///{workdir}/db.sqlite3",
        MEDIA_ROOT=f"{workdir}/media",
        PRIVATE_ROOT=f"{workdir}/private",
        SITE_URL="https://screenmania.example",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        DEFAULT_FROM_EMAIL="Screenmania <lettre@screenmania.example>",
        NEWSLETTER_SENDERS=str(arguments.workers),
    )
    os.environ.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "--verbosity", "0"], cwd=ROOT, check=True)  # noqa: S603
    edition = prepare(arguments.subscribers)
    counter = workdir / "received"
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, "--sink", str(port), str(counter)], cwd=ROOT
    )
    workers = [
        subprocess.Popen(  # noqa: S603
            [*manage, "tasks_worker", "--verbosity", "0"], cwd=ROOT, start_new_session=True
        )
        for _ in range(arguments.workers)
    ]
    time.sleep(5)  # Their start, before the clock does.

    from django.db import connection

    from newsletter.models import Edition
    from newsletter.sending import start_sending

    started = time.perf_counter()
    start_sending(edition)
    addressed = time.perf_counter() - started
    print(f"{edition.deliveries.count():,} deliveries made in {addressed:.1f} s", flush=True)
    loads = []
    while not Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENT).exists():
        time.sleep(1)
        loads.append(os.getloadavg()[0])
        connection.close()  # A new snapshot of SQLite at each look.
    elapsed = time.perf_counter() - started
    counts = edition.deliveries.counts()
    worker_usage = [stop(worker) for worker in workers]
    server_usage = stop(server)
    received, size = (int(n) for n in counter.read_text().split())
    print(f"Sent in {elapsed:.0f} s: {received / elapsed:.0f} messages a second", flush=True)

    lines = [
        "# Sending an edition",
        "",
        f"Measured by `bench/newsletter.py` on {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, SQLite, "
        f"{time.strftime('%Y-%m-%d')}: an edition of six articles to "
        f"{arguments.subscribers:,} confirmed subscribers, sent by {arguments.workers} task "
        "workers (`manage.py tasks_worker`, database backend, `DEBUG` off) through Django's "
        "SMTP backend to a local aiosmtpd sink in a process of its own, all on this machine. "
        "Each message is claimed in a batch, built, sent, and its delivery marked sent before "
        "the next (sending.py). Load average during the sending: "
        f"{min(loads):.0f} to {max(loads):.0f} on {os.cpu_count()} cores (the workers and the "
        "sink are 3 busy processes; more means other work shared the machine, and processor "
        "time is then the steadier figure).",
        "",
        f"- Deliveries made by `start_sending()`: {addressed:.1f} s.",
        f"- From « send » to the edition marked sent: **{elapsed:,.0f} s** "
        f"({elapsed / 60:.1f} minutes; target under 15).",
        f"- Messages the sink accepted: {received:,} ({size / received / 1024:.1f} KiB "
        f"each), **{received / elapsed:,.0f} a second**.",
        f"- Deliveries by status: {', '.join(f'{k} {v:,}' for k, v in counts.items())}.",
        "",
        "| Process | Processor time | Per message | Peak memory (RSS) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for number, (cpu, rss) in enumerate(worker_usage, 1):
        lines.append(
            f"| Worker {number} | {cpu:,.0f} s | — | {rss:,.0f} MiB |",
        )
    total = sum(cpu for cpu, _rss in worker_usage)
    lines.append(f"| Workers together | {total:,.0f} s | {total / received * 1000:.1f} ms | |")
    lines.append(
        f"| SMTP sink | {server_usage[0]:,.0f} s | "
        f"{server_usage[0] / received * 1000:.1f} ms | {server_usage[1]:,.0f} MiB |"
    )
    cpu = total + server_usage[0]
    lines += [
        "",
        f"Every message cost {cpu / received * 1000:.1f} ms of processor time, workers and sink "
        f"together: on {os.cpu_count()} cores with nothing else running, the edition needs "
        f"at least {cpu / os.cpu_count():,.0f} s ({cpu / os.cpu_count() / 60:.1f} minutes) of "
        "wall time.",
    ]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"Written to {REPORT}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--sink"]:
        sink(int(sys.argv[2]), sys.argv[3])
    else:
        main()
