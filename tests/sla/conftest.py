"""The cases fixtures (tests/cases/conftest.py) for the SLA tests."""

from tests.cases import conftest as case_fixtures

cases = case_fixtures.cases
case_in = case_fixtures.case_in
request_type = case_fixtures.request_type
