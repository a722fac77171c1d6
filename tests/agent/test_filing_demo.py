"""The filing page with the demo's data: every organisation and request type renders, and Dana files a
phone case for the bakery's shared login with the caller's name."""

from __future__ import annotations

import pytest

from supportal.accounts.models import User
from supportal.cases.models import Case, RequestType
from supportal.core.demo_data import load_demo_data
from supportal.orgs.models import Organisation
from tests.agent.test_filing_fixtures import URL, filing_post
from tests.web.cases.test_create_fixtures import client_for

pytestmark = pytest.mark.django_db


def test_every_demo_organisation_and_request_type_renders() -> None:
    load_demo_data()
    dana = client_for(User.objects.get(email="dana@provider.example"))
    for organisation in Organisation.objects.all():
        for request_type in RequestType.objects.filter(is_active=True):
            query = {"organisation": organisation.pk, "request_type": request_type.slug}
            assert dana.get(URL, query).status_code == 200, (organisation.name, request_type.slug)


def test_dana_files_for_the_bakerys_shared_login() -> None:
    load_demo_data()
    dana = client_for(User.objects.get(email="dana@provider.example"))
    bakery = Organisation.objects.get(name="Crumbs & Co. Bakery")
    counter = User.objects.get(email="counter@crumbs.example")
    data = filing_post(bakery.pk, counter, request_type="question", requester_name="Marie, the baker")
    data["extra.deliverable"] = "An answer"
    for field in ("extra.service", "extra.started_on"):  # the fixtures' incident fields
        del data[field]
    response = dana.post(URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(requester=counter, requester_name="Marie, the baker")
    assert case.channel == "phone" and case.filed_reason == "Requested by Bob by phone"
