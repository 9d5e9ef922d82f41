import pytest

from portal.sections import all_sections

pytestmark = pytest.mark.django_db


def test_call_log_section_is_registered():
    (section,) = [s for s in all_sections() if s.key == "calls"]
    assert section.order == 40 and section.namespaces == ("calllog",)
    assert str(section.label) == "Call log"


def test_home_lists_the_call_log_for_a_member_not_for_billing(bob_client, carol_client, account):
    assert f"/a/{account.number}/calls/" in bob_client.get(f"/a/{account.number}/").content.decode()
    assert (
        f"/a/{account.number}/calls/"
        not in carol_client.get(f"/a/{account.number}/").content.decode()
    )
