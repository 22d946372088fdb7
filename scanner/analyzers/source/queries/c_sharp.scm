; C#: `using A.B;`, `using X = A.B;`, invocations, `new T(...)`, strings, comments, concatenation.
(using_directive !name [(qualified_name) (identifier)] @import.module) @import
(using_directive name: (identifier) @import.alias [(qualified_name) (identifier)] @import.module) @import

(invocation_expression function: (_) @call.callee) @call
(object_creation_expression type: (_) @call.callee) @call

[(string_literal) (verbatim_string_literal) (raw_string_literal) (interpolated_string_expression)] @string
(comment) @comment
(binary_expression operator: "+") @concat

; constant strings followed (flow.py)
(variable_declarator name: (identifier) @flow.name (_) @flow.value .)
(assignment_expression left: (identifier) @flow.key right: (_) @flow.keyed)
(assignment_expression left: (member_access_expression name: (identifier) @flow.key) right: (_) @flow.keyed)
