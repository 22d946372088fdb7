; Objective-C: `#import <M/H.h>`, `@import M;`, message sends, C calls, strings, comments.
(preproc_include path: (_) @import.module) @import
(module_import path: (_) @import.module) @import

(message_expression) @message
(call_expression function: (_) @call.callee) @call

(string_literal) @string
(comment) @comment

; constant strings followed (flow.py)
(init_declarator declarator: (_) @flow.name value: (_) @flow.value)
