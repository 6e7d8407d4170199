"""
The newsroom's three roles, as groups with their permissions.

Permissions are normally created after every migration has run; they are
created here first so that the groups can be given them on a fresh database.
What each role may do on a particular article (a contributor only on their own
drafts) is decided by the admin, on the server, not by these lists alone.
Administrators get every permission that exists now: a later migration that
adds a model must add its permissions to them too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTRIBUTOR = "Contributeur"
EDITOR = "Éditeur"
ADMINISTRATOR = "Administrateur"

ROLE_PERMISSIONS = {
    CONTRIBUTOR: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_section",
        "authors.view_author",
        "images.add_image",
        "images.view_image",
        "taggit.view_tag",
    ],
    EDITOR: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.publish_article",
        "articles.edit_any_article",
        "articles.view_historicalarticle",
        "articles.add_section",
        "articles.change_section",
        "articles.delete_section",
        "articles.view_section",
        "articles.add_correction",
        "articles.change_correction",
        "articles.delete_correction",
        "articles.view_correction",
        "articles.view_editorialaction",
        "articles.add_previewlink",
        "articles.change_previewlink",
        "articles.view_previewlink",
        "authors.add_author",
        "authors.change_author",
        "authors.delete_author",
        "authors.view_author",
        "images.add_image",
        "images.change_image",
        "images.delete_image",
        "images.view_image",
        "taggit.add_tag",
        "taggit.change_tag",
        "taggit.delete_tag",
        "taggit.view_tag",
    ],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
    administrators, _created = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrators.permissions.set(Permission.objects.all())


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[CONTRIBUTOR, EDITOR, ADMINISTRATOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_newsroom_workflow"),
        ("authors", "0001_initial"),
        ("images", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
