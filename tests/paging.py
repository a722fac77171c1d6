"""Following a list's "Next page" links in tests: the portal's case lists and the agent's queues page
the same way (keyset cursors; supportal/web/cases/lists_paging.py and the pager web/cases/list_pager.html)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

from django.test import Client

NEXT = re.compile(r'href="([^"]+)" rel="next"')


def next_url(response: Any) -> str | None:
    """The page's "Next page" link, if it has one."""
    found = NEXT.search(response.content.decode())
    return unescape(found.group(1)) if found else None


def walk(client: Client, url: str, listed: Callable[[Any], list[str]], *, most: int = 30) -> list[list[str]]:
    """Every page of a list from `url`, following "Next page"; `listed` reads a page's case numbers."""
    pages: list[list[str]] = []
    next_page: str | None = url
    while next_page:
        response = client.get(next_page)
        pages.append(listed(response))
        next_page = next_url(response)
        assert len(pages) < most
    return pages
