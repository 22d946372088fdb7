; extends: javascript
; TypeScript and TSX: the JavaScript patterns plus `import x = require("m")`.
(import_statement (import_require_clause (identifier) @import.alias source: (string) @import.module)) @import
