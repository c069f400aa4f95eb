from accounts.models import AccountPlan, KeyAccount
from tests.accounts.conftest import make_account


def test_any_matches_a_list_given_as_one_array(org_a):
    wanted, _ = make_account(org_a, "Wanted"), make_account(org_a, "Other")
    assert list(KeyAccount.objects.filter(pk__any=[wanted.pk, 0])) == [wanted]
    plans = AccountPlan.objects.filter(account_id__any=[wanted.pk])
    assert [p.account_id for p in plans] == [wanted.pk]
    assert not KeyAccount.objects.filter(pk__any=[]).exists()
