"""Analyzers turn the bytes of one file into facts. See `interface.py` and `registry.py`."""
