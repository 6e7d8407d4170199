"""
The release week (« Sorties de la semaine »): what comes out in French cinemas on a
Wednesday, and on the platforms until the Tuesday after, read from the works alone.
"""

from datetime import datetime, time, timedelta
from functools import cached_property

from django.db.models import Max, Min
from django.utils import timezone

from .models import Work, release_week_start

WEEK = timedelta(days=7)


class ReleaseWeek:
    """The release week holding ``day``: from the Wednesday on or before it to the Tuesday after."""

    def __init__(self, day):
        self.start = release_week_start(day)
        self.end = self.start + timedelta(days=6)

    @classmethod
    def current(cls, now=None):
        """The week under way at ``now`` (a datetime): it turns at midnight, Paris time."""
        return cls(timezone.localdate(now or timezone.now()))

    def __contains__(self, day):
        return day is not None and self.start <= day <= self.end

    @property
    def ends_at(self):
        """When the next week begins, as a datetime: the current week's page expires then."""
        return timezone.make_aware(datetime.combine(self.start + WEEK, time.min))

    @cached_property
    def works(self):
        return list(Work.objects.released_in_week(self.start).for_release_week())

    @property
    def in_cinemas(self):
        return sorted(
            (work for work in self.works if work.release_date in self),
            key=lambda work: (work.release_date, work.title),
        )

    @property
    def on_platforms(self):
        return sorted(
            (work for work in self.works if work.platform_date in self),
            key=lambda work: (work.platform_date, work.platform, work.title),
        )

    @cached_property
    def _bounds(self):
        """The first and last dates of release of every work, cinemas and platforms alike."""
        found = Work.objects.aggregate(
            Min("release_date"), Min("platform_date"), Max("release_date"), Max("platform_date")
        )
        firsts = [found[key] for key in ("release_date__min", "platform_date__min") if found[key]]
        lasts = [found[key] for key in ("release_date__max", "platform_date__max") if found[key]]
        return (min(firsts), max(lasts)) if firsts else (None, None)

    # Links to the weeks around go only as far as the catalogue: an endless chain of
    # empty weeks would keep crawlers busy forever.

    @property
    def previous(self):
        first, _last = self._bounds
        return ReleaseWeek(self.start - WEEK) if first and first < self.start else None

    @property
    def next(self):
        _first, last = self._bounds
        return ReleaseWeek(self.start + WEEK) if last and last > self.end else None
