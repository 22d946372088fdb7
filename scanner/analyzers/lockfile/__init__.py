"""Manifests and lockfiles: one parser module per format, each a plain `parse(path, text)` function."""
