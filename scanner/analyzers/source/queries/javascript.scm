; JavaScript, TypeScript and TSX (the TypeScript grammars extend the JavaScript one).

; import X from "m" / import * as ns from "m" / import {a as b} from "m" / import "m"
(import_statement (import_clause (identifier) @import.alias) source: (string) @import.module) @import
(import_statement (import_clause (namespace_import (identifier) @import.alias)) source: (string) @import.module) @import
(import_statement
  (import_clause (named_imports (import_specifier name: (_) @import.member alias: (identifier)? @import.local)))
  source: (string) @import.module) @import
(import_statement source: (string) @import.module) @import
(export_statement source: (string) @import.module) @import

; const x = require("m") / const {a, b: c} = require("m") / require("m") / import("m")
(variable_declarator
  name: (identifier) @import.alias
  value: (call_expression function: (identifier) @_req arguments: (arguments . (string) @import.module))
  (#eq? @_req "require"))
(variable_declarator
  name: (object_pattern (shorthand_property_identifier_pattern) @import.member)
  value: (call_expression function: (identifier) @_req arguments: (arguments . (string) @import.module))
  (#eq? @_req "require"))
(variable_declarator
  name: (object_pattern (pair_pattern key: (_) @import.member value: (identifier) @import.local))
  value: (call_expression function: (identifier) @_req arguments: (arguments . (string) @import.module))
  (#eq? @_req "require"))
((call_expression function: (identifier) @_req arguments: (arguments . (string) @import.module)) @import
  (#eq? @_req "require"))
(call_expression function: (import) arguments: (arguments . (string) @import.module)) @import

(call_expression function: (_) @call.callee) @call
(new_expression constructor: (_) @call.callee) @call

(string) @string
(template_string) @string
(comment) @comment
(binary_expression operator: "+") @concat

; globals (@global, @global.object, @global.member): window.ttq, globalThis.ttq, self.ttq, window['ttq'],
; and bindings of a global to a local name (@global.alias): const px = window.ttq; const { ttq: px } = window
((member_expression object: (identifier) @global.object property: (property_identifier) @global.member) @global
  (#any-of? @global.object "window" "globalThis" "self" "global"))
((subscript_expression object: (identifier) @global.object index: (string (string_fragment) @global.member)) @global
  (#any-of? @global.object "window" "globalThis" "self" "global"))
((variable_declarator name: (identifier) @global.alias
   value: (member_expression object: (identifier) @global.object property: (property_identifier) @global.member))
  (#any-of? @global.object "window" "globalThis" "self" "global"))
((variable_declarator
   name: (object_pattern (pair_pattern key: (property_identifier) @global.member value: (identifier) @global.alias))
   value: (identifier) @global.object) @global
  (#any-of? @global.object "window" "globalThis" "self" "global"))
((variable_declarator name: (object_pattern (shorthand_property_identifier_pattern) @global.member)
   value: (identifier) @global.object) @global
  (#any-of? @global.object "window" "globalThis" "self" "global"))

; constant strings followed (flow.py): names bound to values, keyed values
(variable_declarator name: (identifier) @flow.name value: (_) @flow.value)
(assignment_expression left: (identifier) @flow.name right: (_) @flow.value)
(assignment_expression left: (member_expression property: (property_identifier) @flow.key) right: (_) @flow.keyed)
(pair key: (_) @flow.key value: (_) @flow.keyed)
