"""
The four pages the footer links to, with the starter texts of sitepages/starter.py, and
the roles' permissions: editors keep the site's pages, administrators get every
permission of the app, as the roles migration promises; contributors have no part in it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from sitepages.starter import PAGES

PERMISSIONS = ["add_sitepage", "change_sitepage", "delete_sitepage", "view_sitepage"]
ROLE_PERMISSIONS = {"Éditeur": PERMISSIONS, "Administrateur": PERMISSIONS}


def create(apps, schema_editor):
    from images.embedding import render

    SitePage = apps.get_model("sitepages", "SitePage")
    for slug, (title, body) in PAGES.items():
        # The historical model has no save() of its own: the HTML is rendered here.
        SitePage.objects.get_or_create(
            slug=slug, defaults={"title": title, "body": body, "body_html": render(body).html}
        )

    # Permissions are normally created after every migration has run.
    app_config = apps.get_app_config("sitepages")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="sitepages", codename__in=codenames)
        )


def remove(apps, schema_editor):
    apps.get_model("sitepages", "SitePage").objects.filter(slug__in=PAGES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sitepages", "0001_initial"),
        ("articles", "0003_roles"),
        ("images", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, remove)]
