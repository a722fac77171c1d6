"""Cases: the case record, its lifecycle, history, links and routing. Only `services/` writes cases."""
