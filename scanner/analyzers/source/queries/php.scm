; PHP: `use A\B\C [as D];`, calls (function, method, static, `new`), strings, comments, `'host' . '/path'`.
(namespace_use_clause [(qualified_name) (name)] @import.module alias: (name)? @import.alias) @import

(function_call_expression function: (_) @call.callee) @call
(member_call_expression name: (_) @call.callee) @call
(scoped_call_expression name: (_) @call.callee) @call
(object_creation_expression) @call

[(string) (encapsed_string) (heredoc) (nowdoc)] @string
(comment) @comment
(binary_expression operator: ".") @concat

; constant strings followed (flow.py)
(assignment_expression left: (variable_name) @flow.name right: (_) @flow.value)
(const_element (name) @flow.name (_) @flow.value)
(array_element_initializer . (string) @flow.key . (_) @flow.keyed .)
