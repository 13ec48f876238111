"""Readers' comments and every rule about them."""
