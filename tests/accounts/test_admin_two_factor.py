"""Staff always need a second factor for /admin/."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import signed_in, verified
from tests.factories import PASSWORD, make_totp_device, totp_code

pytestmark = pytest.mark.django_db


def test_staff_signed_in_with_a_password_alone_are_refused_and_sent_to_set_up(support):
    client = signed_in(support)
    for path in ("/admin/", "/admin/accounts/account/", "/admin/accounts/accessevent/"):
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0].startswith("/settings/two-factor/?next="), path
        assert b"Site administration" not in response.content


def test_the_admins_own_sign_in_form_never_signs_in(support):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "support", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_staff_with_the_app_sign_in_with_a_code_and_open_the_admin(support):
    device = make_totp_device(support)
    client = Client()
    response = client.post(
        "/login/", {"username": "support", "password": PASSWORD, "next": "/admin/"}
    )
    assert response["Location"] == "/login/code/"
    response = client.post("/login/code/", {"code": totp_code(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_set_up_from_the_admin_then_open_it(support):
    client = signed_in(support)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/settings/two-factor/?next=/admin/"
    device = TOTPDevice.objects.get(user=support, confirmed=False)
    response = client.post("/settings/two-factor/", {"code": totp_code(device), "next": "/admin/"})
    assert response["Location"] == "/settings/two-factor/recovery-codes/"
    response = client.post("/settings/two-factor/recovery-codes/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_verified_staff_open_the_admin(support):
    assert verified(support).get("/admin/").status_code == 200


def test_a_verified_user_who_is_not_staff_gets_403_from_the_admin_sign_in(alice):
    assert verified(alice).get("/admin/login/").status_code == 403


def test_the_admin_sign_in_never_sends_anywhere_else(support):
    client = verified(support)
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/admin/"
