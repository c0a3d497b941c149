from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "core.roles"
    label = "roles"
    verbose_name = _("Roles and permissions")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save
        from guardian.models import UserObjectPermission

        from core.roles.scope import forget_grants
        from core.roles.services import sync_user_permissions

        # A role that started or ended since the last hourly sweep takes effect
        # at the next login at the latest.
        user_logged_in.connect(
            lambda sender, user, **kw: sync_user_permissions(user),
            dispatch_uid="roles-sync-on-login",
            weak=False,
        )
        for signal in (post_save, post_delete):
            signal.connect(forget_grants, sender=UserObjectPermission, dispatch_uid="roles-grants")
