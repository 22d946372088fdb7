; Go: import specs (with optional local name), calls, string literals, comments, `"host" + "/path"`.
(import_spec name: (_)? @import.alias path: (_) @import.module) @import

(call_expression function: (_) @call.callee) @call

[(interpreted_string_literal) (raw_string_literal)] @string
(comment) @comment
(binary_expression operator: "+") @concat

; constant strings followed (flow.py)
(const_spec name: (identifier) @flow.name value: (expression_list . (_) @flow.value))
(var_spec name: (identifier) @flow.name value: (expression_list . (_) @flow.value))
(short_var_declaration left: (expression_list . (identifier) @flow.name) right: (expression_list . (_) @flow.value))
(keyed_element . (literal_element (identifier) @flow.key) . (literal_element (_) @flow.keyed))
