"""
The newsroom's roles and the redirects: editors and administrators manage them
(the old addresses readers and search engines still use); contributors do not see them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ["add_redirect", "change_redirect", "delete_redirect", "view_redirect"]
ROLE_PERMISSIONS = {"Éditeur": ALL, "Administrateur": ALL}


def grant(apps, schema_editor):
    # Permissions are normally created after every migration has run.
    app_config = apps.get_app_config("redirects")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="redirects", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="redirects"))


class Migration(migrations.Migration):
    dependencies = [
        ("redirects", "0001_initial"),
        ("articles", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
