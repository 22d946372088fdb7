"""The one support library of the lockfile parsers, a module per concern.

- `lines`: 0-based offsets to 1-based lines and columns (`LineIndex`), the one way positions are
  recovered from a text.
- `json`, `yaml`, `toml`, `xml`: one loader per format (`load_json`, `load_yaml`, `load_toml`,
  `load_xml`); each returns the data with where it is written, and raises ParseError (an alias
  bomb in YAML: LimitExceeded) with the path first.
- `source`: manifests that are programs (comments blanked, brackets balanced).
- `graph`: shortest dependency chains. `versions`: exact pins and PEP 508 requirements.
- `purl`: git URLs and SBOM purl strings as packages. `shapes`: checks on parsed values.

Purls are built by the ecosystem records of `scanner.ecosystems`.
"""
