; Kotlin (also .kts build scripts): `import a.b.C` / `import a.b.C as D`, calls (constructor calls
; look like calls), strings, comments, `"host" + "/path"`.
(import (qualified_identifier) @import.module (identifier)? @import.alias) @import

(call_expression) @call

(string_literal) @string
[(line_comment) (block_comment)] @comment
(binary_expression) @concat

; constant strings followed (flow.py)
(property_declaration (variable_declaration (identifier) @flow.name) "=" (_) @flow.value)
(value_argument (identifier) @flow.key "=" (_) @flow.keyed)
(assignment left: (navigation_expression (identifier) @flow.key .) right: (_) @flow.keyed)
(assignment left: (identifier) @flow.name right: (_) @flow.value)
