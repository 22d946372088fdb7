"""Source analyzers: tree-sitter parses of code, so a hit knows whether it is an import, a call,
a string literal or a comment."""
