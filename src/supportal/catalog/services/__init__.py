"""The only writers of orders, fulfilment tasks and approval decisions (catalog.services.*)."""
