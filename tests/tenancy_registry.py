"""How the cross-tenant walker (tests/portal/test_tenancy.py) fills URL parameters.

Every URL pattern under /a/<number>/ is requested with another account's objects and
must answer 404 and change nothing. Each app's tests provide, in
`tests/<app>/tenancy.py`, a dict `URL_OBJECTS` mapping a URL keyword (e.g. "message_id")
to a function(account) that creates an object of that account and returns the value to
put in the URL. A URL keyword without a maker fails the walker, so a new URL cannot
escape it.
"""

import importlib
import pkgutil

import tests


def url_object_makers() -> dict:
    makers = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            found = importlib.import_module(f"tests.{module.name}.tenancy")
        except ModuleNotFoundError as error:
            if error.name != f"tests.{module.name}.tenancy":
                raise
            continue
        makers.update(found.URL_OBJECTS)
    return makers
