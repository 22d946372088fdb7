; Python, read with tree-sitter only for the string evaluator (flow.py): imports and calls
; come from analyzers/source/python.py.
(call function: (_) @call.callee) @call
(string) @string
(assignment left: (identifier) @flow.name right: (_) @flow.value)
(assignment left: (attribute attribute: (identifier) @flow.name) right: (_) @flow.value)
(keyword_argument name: (identifier) @flow.key value: (_) @flow.keyed)
(pair key: (_) @flow.key value: (_) @flow.keyed)
(assignment left: (subscript subscript: (string) @flow.key) right: (_) @flow.keyed)
