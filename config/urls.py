from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from accounts import views as account_views
from accounts.urls import access_log_patterns, account_settings_patterns
from oncall import views as oncall_views

# Every page of an account lives under /a/<number>/ (accounts.tenancy.account_view).
account_patterns: list[URLPattern | URLResolver] = [
    path("", account_views.home, name="home"),
    path("messages/", include("messages_app.urls")),
    path("directory/", include("directory.urls")),
    path("info/", include("directory.info_urls")),
    path("calls/", include("calllog.urls")),
    path("oncall/", include("oncall.urls")),
    path("billing/", include("billing.urls")),
    path("stats/", include("stats.urls")),
    path("access-log/", include(access_log_patterns)),
    path("settings/", include(account_settings_patterns)),
    path("exports/", include("jobs.urls")),
]

urlpatterns = [
    path("", account_views.root, name="root"),
    path("a/<int:number>/", include(account_patterns)),
    path("switch/", account_views.switch_account, name="switch_account"),
    path("language/", account_views.set_language, name="set_language"),
    # Sign-in (password, then second factor), password reset, the user's /settings/.
    path("", include("accounts.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", account_views.healthz, name="healthz"),
    # Calendar feeds: public, the secret token is the key (oncall.views.feed).
    path("ical/<str:token>.ics", oncall_views.feed, name="oncall_feed"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
]

# A server error's page stands alone: it needs nothing the failed request may have broken.
handler500 = "portal.errors.server_error"
