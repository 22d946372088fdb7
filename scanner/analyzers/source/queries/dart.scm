; Dart / Flutter: `import 'package:name/x.dart' [as p];` binds p to the package; calls are
; selectors with an argument part (`TikTokSDK.instance.login(...)`).
(import_specification (configurable_uri) @import.module (identifier)? @import.alias) @import

(selector (argument_part)) @call.selector

(string_literal) @string
[(comment) (documentation_comment)] @comment
(additive_expression) @concat
