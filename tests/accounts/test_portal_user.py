import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def run(*args, stdin: str = "") -> str:
    import sys

    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command("portal_user", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_creates_a_user_with_password_and_roles(account, other_account):
    out = run(
        "gina", "--email", "gina@example.com", "--password-stdin",
        "--account", "5201:manager", "--account", "7300",
        stdin="s3cret-pass-phrase\n",
    )
    assert "Created gina" in out
    gina = User.objects.get(username="gina")
    assert gina.check_password("s3cret-pass-phrase")
    assert {(m.account.number, m.role) for m in gina.memberships.all()} == {
        (5201, "manager"),
        (7300, "member"),
    }


def test_updates_an_existing_user_without_touching_the_password(alice, account):
    out = run("alice", "--email", "new@example.com", "--account", "5201:billing")
    assert "Updated alice" in out
    alice.refresh_from_db()
    assert alice.email == "new@example.com"
    assert alice.memberships.get().role == "billing"
    assert alice.has_usable_password()


def test_only_removes_other_memberships(erin, account):
    run("erin", "--account", "5201:member", "--only")
    assert [m.account.number for m in erin.memberships.all()] == [5201]


@pytest.mark.parametrize(
    "args",
    [
        ["--account", "9999"],
        ["--account", "5201:owner"],
        ["--account", "abc"],
        ["--email", "not-an-address"],
    ],
)
def test_bad_arguments_are_refused_and_change_nothing(account, args):
    with pytest.raises(CommandError):
        run("henry", *args)
    assert not User.objects.filter(username="henry").exists()
