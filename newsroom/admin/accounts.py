"""
The accounts and roles of the newsroom, which administrators alone manage (so no
title for reading without changing): Django's own admins, titled as the
newsroom's other pages are (wording.py).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsroom.admin.wording import WordingMixin

# Django's four permissions of every model, by their codename's first word, named by
# the admin's own buttons: stored, their names are the English Django wrote at
# migrate (« Can add article »).
MODEL_PERMISSIONS = {
    "add": _("Add"),
    "change": _("Change"),
    "delete": _("Delete"),
    "view": _("View"),
}


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, permission):
        model = permission.content_type.model_class()
        action, _underscore, model_name = permission.codename.partition("_")
        if model is not None and model_name == model._meta.model_name:
            name = MODEL_PERMISSIONS.get(action)
        else:
            name = None
        # A model's own permissions are declared with gettext_lazy: their stored name
        # is the catalogue's msgid.
        name = name or gettext(permission.name)
        return f"{permission.content_type} | {capfirst(name)}"


class PermissionLabelsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(PermissionLabelsMixin, WordingMixin, UserAdmin):
    add_title = _("New user")
    change_title = _("Edit the user")
    add_another_title = _("Save and add another user")


@admin.register(Group)
class RoleAdmin(PermissionLabelsMixin, WordingMixin, GroupAdmin):
    add_title = _("New group")
    change_title = _("Edit the group")
    add_another_title = _("Save and add another group")
