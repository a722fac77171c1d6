"""The agent workspace's URLs (under /agent/): queues and saved views, the case page, filing a case for
a customer, the organisation picker's search, the registration requests a CSM decides, configuration
items, and fulfilment tasks of orders.
/agent/cases/new/ comes before the case page."""

from django.urls import path

from supportal.agent import config_items, config_items_new, organisation_picker, registrations
from supportal.agent.urls_case import urlpatterns as case_urls
from supportal.agent.urls_filing import urlpatterns as filing_urls
from supportal.agent.urls_inbound import urlpatterns as inbound_urls
from supportal.agent.urls_orders import urlpatterns as order_urls
from supportal.agent.urls_queues import urlpatterns as queue_urls
from supportal.agent.urls_sla import urlpatterns as sla_urls

app_name = "agent"

urlpatterns = [
    *queue_urls,
    *filing_urls,
    *case_urls,
    *inbound_urls,
    *sla_urls,
    *order_urls,
    path("organisations/", organisation_picker.organisation_search, name="organisation_search"),
    path("registrations/", registrations.registrations, name="registrations"),
    path("registrations/<int:request_id>/", registrations.registration, name="registration"),
    path("config-items/", config_items.config_items, name="config_items"),
    path("config-items/new/", config_items_new.config_item_new, name="config_item_new"),
    path("config-items/import/", config_items_new.config_items_import, name="config_items_import"),
    path("config-items/<int:config_item_id>/", config_items.config_item, name="config_item"),
    path(
        "config-items/<int:config_item_id>/relations/",
        config_items.relation_add,
        name="config_item_relation_add",
    ),
    path(
        "config-items/<int:config_item_id>/relations/remove/",
        config_items.relation_remove,
        name="config_item_relation_remove",
    ),
]
