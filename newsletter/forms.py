from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsletter.models import Letter

# Fewer letters than this are offered: a longer list is refused before any query.
MAX_LETTERS = 20

CONSENT = _(
    "I agree to receive the letters ticked at this address. Each message has a link "
    "to leave in one click; the site keeps only the address, the letters and this consent."
)


class LetterChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Letter.objects.filter(is_active=True))
        super().__init__(**kwargs)

    def clean(self, value):
        if value and len(value) > MAX_LETTERS:
            raise ValidationError(_("Tick the letters you want among those offered."))
        return super().clean(value)


class LetterChoiceForm(forms.Form):
    letters = LetterChoiceField(
        label=_("Letters"),
        error_messages={
            "required": _("Tick at least one letter."),
            "invalid_choice": _("Tick the letters you want among those offered."),
            "invalid_pk_value": _("Tick the letters you want among those offered."),
        },
    )

    def consent_texts(self):
        """The text each ticked letter was agreed to with, as the reader saw it."""
        consent = gettext(CONSENT)
        return {
            letter: "\n".join(filter(None, [letter.name, letter.description, consent]))
            for letter in self.cleaned_data["letters"]
        }


class SubscribeForm(LetterChoiceForm):
    consent = CONSENT

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Type the address the letters should go to."),
            "invalid": _("Type a whole e-mail address, such as name@example.fr."),
        },
    )
    # Hidden from readers and from screen readers; robots that fill every field fill it.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    field_order = ["email", "letters", "website"]

    @property
    def filled_by_a_robot(self):
        return bool(self.data.get("website"))


class PreferencesForm(LetterChoiceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Leaving every letter is done by its own button, which says what it does.
        self.fields["letters"].error_messages["required"] = _(
            'Tick at least one letter, or use "Unsubscribe from everything".'
        )
