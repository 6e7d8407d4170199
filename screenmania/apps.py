from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin, with the newsroom's site (screenmania/admin_site.py)."""

    default_site = "screenmania.admin_site.NewsroomAdminSite"
