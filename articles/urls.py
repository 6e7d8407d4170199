from django.urls import path

from . import preview, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("rubriques/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("recherche/", views.SearchView.as_view(), name="search"),
    # A signed token, not the slug: the address of a draft is not guessable.
    path("apercu/<str:token>/", preview.PreviewLinkView.as_view(), name="preview"),
]
