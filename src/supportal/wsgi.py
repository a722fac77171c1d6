"""WSGI entry point: `gunicorn supportal.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportal.settings")
application = get_wsgi_application()
