"""Each section opens to the roles of docs/api.md and answers 403 to the others,
and its menu entry is drawn only for the roles that may open it."""

import pytest

from accounts.roles import MANAGER_ONLY_PERMISSIONS, Role
from portal.sections import all_sections
from tests.conftest import signed_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_member_and_billing_roles_are_disjoint_and_manager_has_all():
    manager, member, billing = Role.MANAGER, Role.MEMBER, Role.BILLING
    for section in all_sections():
        assert manager.may(section.key)
        # Manager-only sections (the access log, the account's settings) open to neither.
        either = member.may(section.key) or billing.may(section.key)
        assert (
            member.may(section.key) != billing.may(section.key)
            or section.key == "home"
            or (not either and section.key in MANAGER_ONLY_PERMISSIONS)
        )
    assert billing.may("billing") and not member.may("billing")
    assert member.may("messages") and not billing.may("messages")
    assert manager.may("oncall_edit") and not member.may("oncall_edit")


@pytest.mark.parametrize("user_fixture", ["alice", "bob", "carol"])
def test_sections_answer_by_role(request, user_fixture, account):
    user = request.getfixturevalue(user_fixture)
    membership = user.memberships.get(account=account)
    client = signed_in(user)
    home = client.get(f"/a/{account.number}/").content.decode()
    for section in all_sections():
        url = section.url(account.number)
        status = client.get(url).status_code
        if membership.may(section.key):
            assert status == 200, (user.username, url)
            assert f'href="{url}"' in home
        else:
            assert status == 403, (user.username, url)
            assert f'href="{url}"' not in home


@pytest.mark.parametrize(
    ("role", "allowed"), [("manager", True), ("member", True), ("billing", False)]
)
def test_statistics_add_another_account_only_where_the_role_allows(
    role, allowed, account, other_account
):
    user = make_user("multi", (account, "member"), (other_account, role))
    url = f"/a/{account.number}/stats/?accounts={other_account.number}"
    html = signed_in(user).get(url).content.decode()
    assert ('id="id_accounts_error"' in html) is not allowed
    assert (f"Accounts {account.number}, {other_account.number} " in html) is allowed
