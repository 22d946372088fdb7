; Java: imports, method calls, `new`, strings, comments, `"host" + "/path"`.
(import_declaration [(scoped_identifier) (identifier)] @import.module) @import

(method_invocation) @call
(object_creation_expression type: (_) @call.callee) @call

(string_literal) @string
[(line_comment) (block_comment)] @comment
(binary_expression operator: "+") @concat

; constant strings followed (flow.py)
(variable_declarator name: (identifier) @flow.name value: (_) @flow.value)
(assignment_expression left: (identifier) @flow.name right: (_) @flow.value)
(assignment_expression left: (field_access field: (identifier) @flow.key) right: (_) @flow.keyed)
