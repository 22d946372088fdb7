; Swift: `import M`, `import class M.T`, calls (initializers look like calls), strings, comments.
(import_declaration (identifier) @import.module) @import

(call_expression) @call

[(line_string_literal) (multi_line_string_literal) (raw_string_literal)] @string
[(comment) (multiline_comment)] @comment
(additive_expression) @concat

; constant strings followed (flow.py)
(property_declaration name: (pattern bound_identifier: (simple_identifier) @flow.name) value: (_) @flow.value)
(value_argument name: (value_argument_label) @flow.key value: (_) @flow.keyed)
