"""
The accounts and roles of the newsroom, which administrators manage: Django's
own admins, titled as the newsroom's other pages are (wording.py).
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
    view_title = _("Read the user")
    add_another_title = _("Save and add another user")


@admin.register(Group)
class RoleAdmin(WordingMixin, GroupAdmin):
    add_title = _("New group")
    change_title = _("Edit the group")
    view_title = _("Read the group")
    add_another_title = _("Save and add another group")
