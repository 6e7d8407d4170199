"""The newsroom's addresses outside the admin: the signed preview links sent to readers."""

from django.urls import path

from newsroom import preview

app_name = "newsroom"

urlpatterns = [
    # A signed token, not the slug: the address of a draft is not guessable.
    path("apercu/<str:token>/", preview.PreviewLinkView.as_view(), name="preview"),
]
