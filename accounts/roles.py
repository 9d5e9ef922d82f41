"""What each role of a client user may open or do (docs/api.md, "Client users and roles")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Permissions are section keys, plus the few actions that are not a whole section.
MEMBER_PERMISSIONS = frozenset(
    {"home", "messages", "directory", "info", "calls", "stats", "oncall"}
)
BILLING_PERMISSIONS = frozenset({"home", "billing"})
# The access log and the account's settings (two-factor requirement) are the manager's.
MANAGER_ONLY_PERMISSIONS = frozenset({"oncall_edit", "access_log", "account_settings"})
MANAGER_PERMISSIONS = MEMBER_PERMISSIONS | BILLING_PERMISSIONS | MANAGER_ONLY_PERMISSIONS


class Role(models.TextChoices):
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")
    BILLING = "billing", _("Billing")

    def may(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS[self]


ROLE_PERMISSIONS = {
    Role.MANAGER: MANAGER_PERMISSIONS,
    Role.MEMBER: MEMBER_PERMISSIONS,
    Role.BILLING: BILLING_PERMISSIONS,
}
