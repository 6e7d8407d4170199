"""
The newsroom's roles and the works: contributors look works up (the article
form's autocomplete needs it), editors keep the catalogue, administrators get
every permission of the app, as the roles migration promises.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Contributeur": ["view_work"],
    "Éditeur": ["add_work", "change_work", "delete_work", "view_work"],
    "Administrateur": ["add_work", "change_work", "delete_work", "view_work"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after every migration has run.
    app_config = apps.get_app_config("works")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="works", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="works"))


class Migration(migrations.Migration):
    dependencies = [
        ("works", "0001_initial"),
        ("articles", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
