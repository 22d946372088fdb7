; Groovy and Gradle scripts: Java-like imports (with `as` aliases), method calls, command calls,
; `new`, strings (single-quoted ones parse as character_literal), comments, concatenation.
(import_declaration [(scoped_identifier) (identifier)] @import.module (identifier)? @import.alias) @import

(method_invocation) @call
(juxt_function_call name: (_) @call.callee) @call
(object_creation_expression type: (_) @call.callee) @call

[(string_literal) (character_literal)] @string
[(line_comment) (block_comment)] @comment
(binary_expression operator: "+") @concat

; constant strings followed (flow.py)
(variable_declarator name: (identifier) @flow.name value: (_) @flow.value)
