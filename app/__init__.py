"""Maillage: an asynchronous forum for professional networks."""
