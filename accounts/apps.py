from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and users")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from accounts import sessions
        from accounts.actions import purge_access_log
        from accounts.demo import seed_access_log
        from portal.registry import register_demo_seeder, register_purger
        from portal.sections import Section, register

        user_logged_in.connect(_track_session, dispatch_uid="accounts_track_session")
        user_logged_out.connect(_forget_session, dispatch_uid="accounts_forget_session")
        register(
            Section(
                key="access_log",
                label=_("Access log"),
                url_name="access_log:list",
                description=_(
                    "Managers: who signed in, read which message, played or downloaded which "
                    "recording, exported or changed what, and when; filter it and download it."
                ),
                order=90,
                namespaces=("access_log",),
            )
        )
        register(
            Section(
                key="account_settings",
                label=_("Account settings"),
                url_name="account_settings:page",
                description=_(
                    "Managers: require two-factor sign-in for everyone on the account, and "
                    "see who has turned it on."
                ),
                order=95,
                namespaces=("account_settings",),
            )
        )
        register_demo_seeder(90, "access log", seed_access_log)
        # The access log has its own retention (ACCESS_LOG_RETENTION_DAYS), whatever
        # cutoff purge_expired uses for messages and calls; ended sessions go too.
        register_purger(
            "access log", lambda _cutoff, batch_size: purge_access_log(None, batch_size)
        )
        register_purger(
            "ended sessions", lambda _cutoff, _batch_size: sessions.purge_dead_sessions()
        )


def _track_session(sender, request, user, **kwargs) -> None:
    from accounts.sessions import start_tracking

    start_tracking(request, user)


def _forget_session(sender, request, user, **kwargs) -> None:
    from accounts.sessions import forget_session

    forget_session(request)


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, with a site that asks staff for a second factor (in INSTALLED_APPS)."""

    default = False  # not the accounts app's own config

    default_site = "accounts.admin_site.PortalAdminSite"
