; Ruby: `require 'path'`, method calls (`A::B::C.new`, `obj.m`), strings, comments, concatenation.
((call method: (identifier) @_m arguments: (argument_list . (string) @import.module)) @import
  (#eq? @_m "require"))

(call method: (_) @call.callee) @call

(string) @string
(comment) @comment
(binary operator: "+") @concat

; constant strings followed (flow.py)
(assignment left: [(identifier) (constant)] @flow.name right: (_) @flow.value)
(pair key: (_) @flow.key value: (_) @flow.keyed)
