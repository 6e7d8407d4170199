"""
Names, for screen readers, of the admin's fields that Django draws without one: the
combobox select2 draws for an autocomplete field, named only by the choice it shows (an
empty one has no name at all); the date and time boxes of a date-and-time field, whose
« Date : » and « Heure : » are plain text beside a label tied to neither; the boxes of a
tabular inline, each under its column's header and tied to nothing.
"""

from django.contrib.admin import TabularInline
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.forms import Media
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

# Listed with autocomplete.js, whose set-up the script wraps: Media orders files only
# within each list, and a list of one could land before it.
AUTOCOMPLETE_NAMES = Media(js=["admin/js/autocomplete.js", "admin-extra/autocomplete-names.js"])


class NamedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete, whose combobox is named after the field's label."""

    @property
    def media(self):
        return super().media + AUTOCOMPLETE_NAMES


class NamedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """The admin's autocomplete of several choices, named after the field's label."""

    @property
    def media(self):
        return super().media + AUTOCOMPLETE_NAMES


class LabelledFieldsMixin:
    """For ModelAdmins and inlines: autocompletes and date-and-time boxes with a name."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return None
        label = capfirst(formfield.label)
        # A relation's widget is wrapped in the admin's add and change links.
        widget = getattr(formfield.widget, "widget", formfield.widget)
        if isinstance(widget, AdminSplitDateTime):
            date_box, time_box = widget.widgets
            # Beginning as the field's label, ending as the word beside the box.
            date_box.attrs["aria-label"] = format_lazy(_("{field}: date"), field=label)
            time_box.attrs["aria-label"] = format_lazy(_("{field}: time"), field=label)
        elif isinstance(self, TabularInline):
            # The column's header, said again on each row's box.
            widget.attrs.setdefault("aria-label", label)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = NamedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = NamedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
