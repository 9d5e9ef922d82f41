from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.forms import QueuedPasswordResetForm

# Every page of an account lives under /a/<number>/ (portal.tenancy.account_view).
account_patterns = [
    path("", account_views.home, name="home"),
    path("messages/", include("messages_app.urls")),
    path("directory/", include("directory.urls")),
    path("info/", include("directory.info_urls")),
    path("calls/", include("calllog.urls")),
    path("oncall/", include("oncall.urls")),
    path("billing/", include("billing.urls")),
    path("stats/", include("stats.urls")),
    path("exports/", include("jobs.urls")),
]

urlpatterns = [
    path("", account_views.root, name="root"),
    path("a/<int:number>/", include(account_patterns)),
    path("switch/", account_views.switch_account, name="switch_account"),
    path("settings/", account_views.settings_page, name="settings"),
    path("language/", account_views.set_language, name="set_language"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
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
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
]
