"""The project's configuration: settings, root URLs and the WSGI entry point.

Not an app: nothing imports from here but Django itself (DJANGO_SETTINGS_MODULE,
ROOT_URLCONF, WSGI_APPLICATION).
"""
