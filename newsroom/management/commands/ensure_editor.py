"""
Creates, or brings up to date, a newsroom login for trying the admin.

The account is staff but not superuser and a member of the Éditeur group
(created by the articles app's roles migration), so it can do exactly what a
real editor can, and follows the role when its permissions change.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from authors.models import Author

# The role's name as the roles migration spells it.
EDITOR_GROUP = "Éditeur"
# Earlier versions granted these one by one; the group now carries them.
EDITORIAL_APPS = ["articles", "authors", "images", "taggit"]
DEFAULT_USERNAME = "redaction"
# The demo's editor-in-chief; on a site without the demo, no profile is linked.
DEFAULT_AUTHOR_SLUG = "ines-marchand"


class Command(BaseCommand):
    help = (
        "Create or update a staff account in the Éditeur group (not a superuser). "
        "Username from SCREENMANIA_EDITOR_USERNAME (default 'redaction'); password from "
        "SCREENMANIA_EDITOR_PASSWORD, else the one kept in --password-file, else a new "
        "random one, printed (and kept in --password-file when given)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password-file",
            type=Path,
            help="Where the generated password is kept from one run to the next (`make run` "
            "uses .editor_password, ignored by git).",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        username = os.environ.get("SCREENMANIA_EDITOR_USERNAME", "").strip() or DEFAULT_USERNAME
        password = os.environ.get("SCREENMANIA_EDITOR_PASSWORD", "")
        generated = not password
        if generated:
            password = self.kept_password(options["password_file"])

        try:
            editors = Group.objects.get(name=EDITOR_GROUP)
        except Group.DoesNotExist:
            raise CommandError(
                f"No '{EDITOR_GROUP}' group: run `manage.py migrate` first."
            ) from None

        with transaction.atomic():
            user, created = User.objects.get_or_create(**{User.USERNAME_FIELD: username})
            if user.is_superuser:
                # Quietly demoting an administrator would lock them out of the
                # user management they rely on.
                raise CommandError(
                    f"'{username}' is a superuser: choose another SCREENMANIA_EDITOR_USERNAME."
                )
            user.is_staff = True
            user.is_active = True
            # Hashed again, the same password would get a new salt, and every session
            # of the account would end: restarting `make run` would log the editor out.
            if not user.check_password(password):
                user.set_password(password)
            user.save()
            user.groups.add(editors)
            user.user_permissions.remove(
                *Permission.objects.filter(content_type__app_label__in=EDITORIAL_APPS)
            )
            author = self.link_author(user)

        if options["verbosity"] < 1:
            return
        action = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{action} the editor account '{username}'."))
        if generated:
            self.stdout.write(f"  Password: {password}")
        else:
            self.stdout.write("  Password: the one in SCREENMANIA_EDITOR_PASSWORD")
        if author is not None:
            self.stdout.write(f"  Writes as: {author.name}")
        self.stdout.write(f"  Newsroom: {settings.SITE_URL}{reverse('admin:index')}")

    @staticmethod
    def kept_password(path):
        """The password kept at ``path``, or a new one, written there when a path is given."""
        if path is not None and path.is_file():
            kept = path.read_text(encoding="utf-8").strip()
            if kept:
                return kept
        password = secrets.token_urlsafe(12)
        if path is not None:
            # Readable by its owner alone, as `make serve` keeps .secret_key.
            path.touch(mode=0o600)
            path.write_text(password + "\n", encoding="utf-8")
        return password

    @staticmethod
    def link_author(user):
        """The author profile of ``user``, linking the demo's one if both are free."""
        existing = Author.objects.filter(user=user).first()
        if existing is not None:
            return existing
        slug = os.environ.get("SCREENMANIA_EDITOR_AUTHOR", "").strip() or DEFAULT_AUTHOR_SLUG
        updated = Author.objects.filter(slug=slug, user__isnull=True).update(user=user)
        return Author.objects.get(slug=slug) if updated else None
