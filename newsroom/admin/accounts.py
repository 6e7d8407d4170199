"""
The accounts and roles of the newsroom, which administrators alone manage (so no
title for reading without changing): Django's own admins, titled as the
newsroom's other pages are (wording.py).
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from newsroom.admin.wording import WordingMixin

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(WordingMixin, UserAdmin):
    add_title = _("New user")
    change_title = _("Edit the user")
    add_another_title = _("Save and add another user")


@admin.register(Group)
class RoleAdmin(WordingMixin, GroupAdmin):
    add_title = _("New group")
    change_title = _("Edit the group")
    add_another_title = _("Save and add another group")
