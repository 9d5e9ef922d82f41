"""How the cross-tenant walker (tests/portal/test_walk_urls.py) fills URL parameters.

Every URL pattern under /a/<number>/ is requested with another account's objects and
must answer 404 and change nothing. Each app's tests provide, in
`tests/<app>/tenancy.py`, a dict `URL_OBJECTS` mapping a URL keyword (e.g. "message_id")
to a function(account) that creates an object of that account and returns the value to
put in the URL. A URL keyword without a maker fails the walker, so a new URL cannot
escape it.

A page may also take account numbers in its query string (the statistics' `accounts`):
`ACCOUNT_QUERY_PARAMETERS` in the same module names such parameters, and the walker
gives each of them another client's account number on every account page.
"""

import importlib
import pkgutil

import tests


def _tenancy_modules() -> list:
    found = []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            found.append(importlib.import_module(f"tests.{module.name}.tenancy"))
        except ModuleNotFoundError as error:
            if error.name != f"tests.{module.name}.tenancy":
                raise
    return found


def url_object_makers() -> dict:
    makers = {}
    for module in _tenancy_modules():
        makers.update(module.URL_OBJECTS)
    return makers


def account_query_parameters() -> set[str]:
    names = set()
    for module in _tenancy_modules():
        names.update(getattr(module, "ACCOUNT_QUERY_PARAMETERS", ()))
    return names
