; Go: import specs (with optional local name), calls, string literals, comments, `"host" + "/path"`.
(import_spec name: (_)? @import.alias path: (_) @import.module) @import

(call_expression function: (_) @call.callee) @call

[(interpreted_string_literal) (raw_string_literal)] @string
(comment) @comment
(binary_expression operator: "+") @concat
