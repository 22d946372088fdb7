"""Post-processing of findings: suppressions, baselines, fingerprints, redaction."""
