"""What the cross-tenant walker needs from the statistics (tests/tenancy_registry.py)."""

URL_OBJECTS: dict = {}  # the statistics' URLs take no object id

# Query parameters that name accounts: the walker gives them another client's account.
ACCOUNT_QUERY_PARAMETERS = ("accounts",)
