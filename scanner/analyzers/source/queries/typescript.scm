; extends: javascript
; TypeScript and TSX: the JavaScript patterns plus `import x = require("m")`.
(import_statement (import_require_clause (identifier) @import.alias source: (string) @import.module)) @import

; (window as any).ttq, and `declare global { interface Window { ttq?: ... } }` (@global.declared)
((member_expression
   object: (parenthesized_expression (as_expression (identifier) @global.object))
   property: (property_identifier) @global.member) @global
  (#any-of? @global.object "window" "globalThis" "self" "global"))
((interface_declaration name: (type_identifier) @_window
   body: (interface_body (property_signature name: (property_identifier) @global.declared)))
  (#eq? @_window "Window"))

(public_field_definition name: (property_identifier) @flow.name value: (_) @flow.value)
