"""
The newsroom's roles and the newsletter: editors compose and send editions, and read
the letters; administrators also run the letters, the subscribers and the suppressed
addresses. Contributors see none of it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITION = [
    f"{action}_{model}"
    for model in ["edition", "editionarticle"]
    for action in ["add", "change", "delete", "view"]
]
ROLE_PERMISSIONS = {"Éditeur": [*EDITION, "view_letter"], "Administrateur": None}


def grant(apps, schema_editor):
    # Permissions are normally created after every migration has run.
    app_config = apps.get_app_config("newsletter")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    newsletter = Permission.objects.filter(content_type__app_label="newsletter")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *(newsletter if codenames is None else newsletter.filter(codename__in=codenames))
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="newsletter"))


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0004_edition_digest_of"),
        ("articles", "0003_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
