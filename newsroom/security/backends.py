"""The login backend: Django's, reading a user and their permissions in one query."""

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
        # The same rows as get_all_permissions() reads, one string for the user's row; a
        # permission held twice (own and a group's) comes twice, and the set keeps one.
        names = (
            Permission.objects.filter(held_by(OuterRef("pk")))
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
        users = get_user_model()._default_manager.annotate(permission_names=Subquery(names))
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:
            # Kept on the user for the request, under Django's own name, as Django does.
            user._perm_cache = set(filter(None, (user.permission_names or "").split(SEPARATOR)))
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
