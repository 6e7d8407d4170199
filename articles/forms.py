from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Article


class ArticleAdminForm(forms.ModelForm):
    """The newsroom's article form."""

    mark_as_update = forms.BooleanField(
        label=_("This edit is an update"),
        required=False,
        help_text=_(
            "Tick when the edit changes what readers learn (new facts, a new development): "
            "the page then says « Mis à jour le … » with today's date. Leave it for typos."
        ),
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "standfirst",
            "body",
            "status",
            "published_at",
            "section",
            "is_featured",
            "featured_image",
            "tags",
            "ai_usage",
            "ai_usage_note",
            "seo_title",
            "seo_description",
        ]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("ai_usage") not in (None, Article.AIUsage.NONE) and not (
            cleaned_data.get("ai_usage_note", "").strip()
        ):
            self.add_error(
                "ai_usage_note",
                _("Tell readers in one sentence how AI was used in making this article."),
            )
        return cleaned_data
