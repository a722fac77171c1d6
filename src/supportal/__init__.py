"""Supportal: a customer support and service-management portal."""

__version__ = "0.1.0"
