"""Test settings: the real settings, with jobs run inline and a throwaway data dir."""

import os
import tempfile

os.environ.setdefault("SUPPORTAL_DATA_DIR", tempfile.mkdtemp(prefix="supportal-test-"))
os.environ["SUPPORTAL_JOBS_IMMEDIATE"] = "1"
os.environ.setdefault("SUPPORTAL_SECRET_KEY", "test-secret-key-not-for-production-0123456789")

from supportal.settings import *  # noqa: F403

# Argon2 is the production hasher (asserted in tests/accounts); tests use a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Chat pushes stay in this process unless a test asks for Redis (tests/chat/test_redis_layer.py).
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# SQLite tests use a file, not Django's shared in-memory connection: the live server answers the
# browser's requests on several threads at once (the workspace polls presence while a page loads),
# and threads sharing one SQLite connection fail with "cannot start a transaction within a transaction".
# A file gives every thread its own connection, as production has (pytest-django suffixes it per worker).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["SUPPORTAL_DATA_DIR"], "test.sqlite3")}  # noqa: F405
