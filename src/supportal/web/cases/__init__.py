"""The customer portal's case pages: lists, creating a case, the case page, and the account pages.

Each part keeps its own URL patterns (urls_*.py); web/urls.py mounts them all.
"""
