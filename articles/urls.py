from django.urls import path

from . import feeds, preview, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="atom_feed"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("rubriques/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("rubriques/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("rubriques/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section_atom_feed"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_atom_feed"),
    path("recherche/", views.SearchView.as_view(), name="search"),
    # A signed token, not the slug: the address of a draft is not guessable.
    path("apercu/<str:token>/", preview.PreviewLinkView.as_view(), name="preview"),
]
