from datetime import date

from django.urls import path, register_converter

from . import feeds, views


class DateConverter:
    """
    A day written 2026-12-02. An impossible day (2026-02-30) matches no page, nor does
    one of a year no work can have (Work.year), whose week could run off the calendar.
    """

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    years = range(1888, 2101)

    def to_python(self, value):
        day = date.fromisoformat(value)
        if day.year not in self.years:
            raise ValueError(value)
        return day

    def to_url(self, value):
        return value.isoformat()


register_converter(DateConverter, "date")

app_name = "works"

urlpatterns = [
    path("oeuvres/<slug:slug>/", views.WorkDetailView.as_view(), name="detail"),
    path("oeuvres/<slug:slug>/feed/", feeds.WorkFeed(), name="feed"),
    path("oeuvres/<slug:slug>/feed/atom/", feeds.WorkAtomFeed(), name="atom_feed"),
    path("sorties/", views.ReleaseWeekView.as_view(), name="current_release_week"),
    path("sorties/<date:day>/", views.ReleaseWeekView.as_view(), name="release_week"),
]
