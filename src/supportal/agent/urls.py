"""The agent workspace's URLs (under /agent/): queues and saved views, the case page, filing a case for
a customer, the organisation picker's search, and the registration requests a CSM decides.
/agent/cases/new/ comes before the case page."""

from django.urls import path

from supportal.agent import organisation_picker, registrations
from supportal.agent.urls_case import urlpatterns as case_urls
from supportal.agent.urls_filing import urlpatterns as filing_urls
from supportal.agent.urls_inbound import urlpatterns as inbound_urls
from supportal.agent.urls_queues import urlpatterns as queue_urls
from supportal.agent.urls_sla import urlpatterns as sla_urls

app_name = "agent"

urlpatterns = [
    *queue_urls,
    *filing_urls,
    *case_urls,
    *inbound_urls,
    *sla_urls,
    path("organisations/", organisation_picker.organisation_search, name="organisation_search"),
    path("registrations/", registrations.registrations, name="registrations"),
    path("registrations/<int:request_id>/", registrations.registration, name="registration"),
]
