"""The accounts app's pages: sign-in, the user's settings, and two pages per account."""

from django.urls import path

from accounts import access_log, security_views, signin

# Outside any account: /login/..., /settings/...
urlpatterns = [
    path("login/", signin.sign_in, name="login"),
    path("login/code/", signin.second_step, name="login_code"),
    path("password-reset/", signin.password_reset, name="password_reset"),
    path("settings/", security_views.settings_page, name="settings"),
    path("settings/two-factor/", security_views.two_factor_setup, name="two_factor_setup"),
    path(
        "settings/two-factor/recovery-codes/",
        security_views.recovery_codes,
        name="recovery_codes",
    ),
    path(
        "settings/two-factor/recovery-codes.txt",
        security_views.recovery_codes_download,
        name="recovery_codes_download",
    ),
    path(
        "settings/two-factor/new-codes/",
        security_views.new_recovery_codes,
        name="new_recovery_codes",
    ),
    path(
        "settings/two-factor/turn-off/",
        security_views.turn_off_two_factor,
        name="turn_off_two_factor",
    ),
    path(
        "settings/sessions/<int:session_id>/end/",
        security_views.end_session,
        name="end_session",
    ),
    path("settings/sessions/end-others/", security_views.end_others, name="end_other_sessions"),
]

# Under /a/<number>/, for the account's managers.
access_log_patterns = (
    [
        path("", access_log.access_log, name="list"),
        path("export.csv", access_log.export_csv, name="export_csv"),
    ],
    "access_log",
)
account_settings_patterns = (
    [path("", security_views.account_settings, name="page")],
    "account_settings",
)
