"""
The newsroom: everything an editor does in the admin (the desk, notes, writing,
workflow, revisions, previews, roles, the media library's admin), and the admin
site itself.
"""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from taggit.apps import TaggitAppConfig


class NewsroomConfig(AppConfig):
    default = True
    name = "newsroom"
    verbose_name = _("Newsroom")


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the newsroom's site (newsroom/admin_site.py)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin

    default_site = "newsroom.admin_site.NewsroomAdminSite"


class TagsConfig(TaggitAppConfig):
    """django-taggit, whose app the admin would otherwise title with its library's name."""

    default = False  # named in INSTALLED_APPS in place of taggit

    verbose_name = _("Tags")
