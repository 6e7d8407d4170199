from django.urls import path

from articles import feeds

from . import views

app_name = "authors"

urlpatterns = [
    path("<slug:slug>/", views.AuthorView.as_view(), name="detail"),
    path("<slug:slug>/feed/", feeds.AuthorFeed(), name="feed"),
    path("<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="atom_feed"),
]
