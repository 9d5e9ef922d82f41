"""The user loaded for each request carries what the session guard needs (no extra query).

AuthenticationMiddleware loads the signed-in user once per request through the backend
that signed them in; this one adds, in the same query, whether the user has two-factor
sign-in and whether one of their accounts requires it (accounts/middleware.py).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, User


def with_two_factor_state(users):
    return users.annotate(
        has_authenticator=Exists(TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)),
        authenticator_required=Exists(
            Membership.objects.filter(
                user_id=OuterRef("pk"), account__active=True, account__require_two_factor=True
            )
        ),
    )


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        user = with_two_factor_state(User._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
