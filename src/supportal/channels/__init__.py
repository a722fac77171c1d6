"""Inbound channels: email (chat and alerts later), each a thin adapter over the case services."""
