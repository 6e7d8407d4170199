"""
The home page's one row, and the roles' permissions: editors and administrators
arrange the home page; contributors have no part in it. The row is never added nor
deleted in the admin, so nobody is given those two rights on it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ARRANGE = [
    "view_frontpage",
    "change_frontpage",
    *(f"{action}_{model}" for model in ("leadpick", "block") for action in ("add", "change", "delete", "view")),
]
ROLE_PERMISSIONS = {"Éditeur": ARRANGE, "Administrateur": ARRANGE}


def create(apps, schema_editor):
    apps.get_model("frontpage", "FrontPage").objects.get_or_create(pk=1)

    # Permissions are normally created after every migration has run.
    app_config = apps.get_app_config("frontpage")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="frontpage", codename__in=codenames)
        )


def remove(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="frontpage"))


class Migration(migrations.Migration):
    dependencies = [
        ("frontpage", "0001_initial"),
        ("articles", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, remove)]
