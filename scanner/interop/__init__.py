"""Interoperation with other tools: export our signatures to them, merge their results."""
