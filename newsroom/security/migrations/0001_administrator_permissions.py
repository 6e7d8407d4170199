"""
Administrators see and lift login lockouts (django-axes) and remove the device
of someone who lost their phone (django-otp): the roles migration gave them
every permission that existed then, and these models came later.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATOR = "Administrateur"
APPS = ["axes", "otp_totp"]


def grant(apps, schema_editor):
    # Permissions are normally created after every migration: made here first,
    # as the roles migration does, so that a fresh database gets them too.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators = Group.objects.filter(name=ADMINISTRATOR).first()
    if administrators is not None:
        administrators.permissions.add(
            *Permission.objects.filter(content_type__app_label__in=APPS)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators = Group.objects.filter(name=ADMINISTRATOR).first()
    if administrators is not None:
        administrators.permissions.remove(
            *Permission.objects.filter(content_type__app_label__in=APPS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_roles"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
