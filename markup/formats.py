"""How pages, feeds and messages write dates and ratings, in the active language."""

from django.utils import formats, timezone, translation


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
