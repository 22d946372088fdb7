"""Source-code analyzers: imports, SDK calls and endpoint strings, read the way a reviewer would."""
