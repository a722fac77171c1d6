"""The only writers of rotas' overrides and of pages (escalation.services.paging, .rotas)."""
