"""
Who may lift an embargo: the permission, given to the Administrateur role alone.

An embargo is a promise to a distributor; editors publish and schedule, but
bringing the date forward is left to whoever answers for the promise. The
permission is created here, as in 0003, so that the role can be given it on a
fresh database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ADMINISTRATOR = "Administrateur"
LIFT_EMBARGO = "lift_embargo"


def give_administrators(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="articles", codename=LIFT_EMBARGO)
    for group in Group.objects.filter(name=ADMINISTRATOR):
        group.permissions.add(permission)


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="articles", codename=LIFT_EMBARGO
    )
    for group in Group.objects.filter(name=ADMINISTRATOR):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_reviews_works_embargo"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["-published_at", "-id"],
                "permissions": [
                    ("publish_article", "Can publish, schedule and unpublish articles"),
                    ("edit_any_article", "Can edit every article, not only one's own drafts"),
                    ("lift_embargo", "Can lift an embargo or bring it forward"),
                ],
                "verbose_name": "article",
                "verbose_name_plural": "articles",
            },
        ),
        migrations.AlterField(
            model_name="editorialaction",
            name="kind",
            field=models.CharField(
                choices=[
                    ("submitted", "submitted for review"),
                    ("published", "published"),
                    ("scheduled", "scheduled"),
                    ("unpublished", "unpublished"),
                    ("restored", "restored a revision"),
                    ("updated", "marked as updated"),
                    ("corrected", "added a correction"),
                    ("lifted", "lifted the embargo"),
                ],
                max_length=12,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(give_administrators, take_back),
    ]
