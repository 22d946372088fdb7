; HTML: inline scripts and event-handler attributes are parsed as JavaScript; comments are mentions.
(script_element (start_tag) @script.tag (raw_text) @script)
(attribute (attribute_name) @attr.name (quoted_attribute_value (attribute_value) @attr.value))
(comment) @comment
