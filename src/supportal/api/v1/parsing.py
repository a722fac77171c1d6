"""How the API reads query strings and forms: a parameter given twice is a list, which only list
parameters accept.

ninja's own parser keeps the last of repeated values, so `?team=a&team=b` silently meant team b; the
OpenAPI document says such a parameter is one string, so the request is invalid and now answers 422,
naming the parameter.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser


class StrictParser(Parser):
    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for key in data:
            values = data.getlist(key)
            parsed[key] = values if key in list_fields or len(values) > 1 else values[0]
        return parsed
