; Dart / Flutter: `import 'package:name/x.dart' [as p];` binds p to the package; calls are
; selectors with an argument part (`TikTokSDK.instance.login(...)`).
(import_specification (configurable_uri) @import.module (identifier)? @import.alias) @import

(selector (argument_part)) @call.selector

(string_literal) @string
[(comment) (documentation_comment)] @comment
(additive_expression) @concat

; constant strings followed (flow.py)
(static_final_declaration (identifier) @flow.name (_) @flow.value)
(initialized_variable_definition name: (identifier) @flow.name value: (_) @flow.value)
(named_argument (label (identifier) @flow.key) (_) @flow.keyed)
