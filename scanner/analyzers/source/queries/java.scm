; Java: imports, method calls, `new`, strings, comments, `"host" + "/path"`.
(import_declaration [(scoped_identifier) (identifier)] @import.module) @import

(method_invocation) @call
(object_creation_expression type: (_) @call.callee) @call

(string_literal) @string
[(line_comment) (block_comment)] @comment
(binary_expression operator: "+") @concat
