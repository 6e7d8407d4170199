"""How pages, feeds and messages write dates, ratings and names, in the active language."""

from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe


def long_date(value):
    """« 28 juillet 2023 », with French's ordinal « 1er » for the first of the month."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    formatted = formats.date_format(value, "j F Y")
    if value.day == 1 and translation.get_language() == "fr":
        formatted = "1er" + formatted[1:]
    return formatted


def rating_number(value):
    """A rating as readers write it: « 3,5 », and « 4 » rather than « 4,0 »."""
    if value is None:
        return ""
    decimals = 0 if value == int(value) else 1
    return formats.number_format(value, decimals, use_l10n=True)


def grouped(value):
    """A count as readers write it: « 1 000 » in French, "1,000" in English."""
    return formats.number_format(value, force_grouping=True, use_l10n=True)


# The initials of names French reads with a vowel first, before which « de » is elided:
# « d’Inès », « d’Élodie », and « d’Hugo », as most names' h is mute. Not Y, a consonant
# in « Yann » or « Yasmine » (« de Yann »).
ELIDING_INITIALS = frozenset("AEIOUHÀÂÄÆÉÈÊËÎÏÔÖŒÙÛÜ")


def de_nom(name):
    """« de » and ``name`` as French writes them: « d’Inès », « d’Hugo », « de Yann »."""
    return f"d’{name}" if name[:1].upper() in ELIDING_INITIALS else f"de {name}"


def elided(text, name):
    """
    ``text``, a translation holding « de ``name`` », elided where French elides it:
    « Tous les articles d’Inès Marchand ». Translators write « de %(name)s », whatever the
    name; HTML-escaped text stays escaped.
    """
    if translation.get_language() != "fr":
        return text
    if not isinstance(text, SafeData):
        return text.replace(f"de {name}", de_nom(name))
    # Both escaped alike: what replaces an escaped name is as safe as it was.
    escaped = conditional_escape(name)
    return mark_safe(text.replace(f"de {escaped}", de_nom(escaped)))  # noqa: S308
