"""The login backend: Django's, reading a user and their permissions in one query."""

import threading

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Aggregate, CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat

# Between two permissions' names in the string read with the user: no name holds it.
SEPARATOR = "\x1f"


class Joined(Aggregate):
    """The rows' texts joined by a separator: GROUP_CONCAT on SQLite, STRING_AGG elsewhere."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def permission_names(condition):
    """The names of the permissions that meet ``condition``, joined in one string."""
    return Subquery(
        Permission.objects.filter(condition)
        .order_by()
        # Every row in one group: a constant is left out of GROUP BY.
        .values(every=Value(1))
        .annotate(
            joined=Joined(
                Concat("content_type__app_label", Value("."), "codename"), Value(SEPARATOR)
            )
        )
        .values("joined")
    )


# Per thread: compiling a query adjusts its subqueries' alias counts as it goes, and
# gunicorn's threads would otherwise compile the one shared query at the same time.
_built = threading.local()


def users_with_permission_names():
    """
    Users, each with the same rows as get_all_permissions() reads, as two strings on the
    user's row: their own permissions, and their groups'. One subquery for both, joined by
    an OR across both paths, made SQLite read every permission for every admin request
    (10 ms on this machine); each path alone starts from the user's few rows.

    Made once per thread and cloned by each lookup: building these subqueries took the
    ORM 1.2 ms of every admin request, more than running them.
    """
    users = getattr(_built, "users", None)
    if users is None:
        users = _built.users = get_user_model()._default_manager.annotate(
            own_permission_names=permission_names(Q(user=OuterRef("pk"))),
            group_permission_names=permission_names(Q(group__user=OuterRef("pk"))),
        )
    return users


def held_by(user):
    """The permissions ``user`` (a user or a reference to one) holds, theirs and their groups'."""
    return Q(user=user) | Q(group__user=user)


class ModelBackend(backends.ModelBackend):
    """
    Django's ModelBackend, reading the user's own permissions and their groups' together,
    with the user: every admin request loads the user from the session and then asks for
    their permissions (the newsroom's roles are groups), which Django reads in two more
    queries, one for each.
    """

    def get_user(self, user_id):
        users = users_with_permission_names()
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:
            # Kept on the user for the request, under Django's own name, as Django does; a
            # permission held twice (own and a group's) comes twice, and the set keeps one.
            joined = (
                f"{user.own_permission_names or ''}{SEPARATOR}{user.group_permission_names or ''}"
            )
            user._perm_cache = set(filter(None, joined.split(SEPARATOR)))
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(held_by(user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).order_by()
            }
        return user_obj._perm_cache
