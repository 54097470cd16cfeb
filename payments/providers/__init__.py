"""Gateways, one module each, registered with payments.registry.register."""
