"""Analyzers of plain text: service endpoints and identifiers in any text file."""
