"""The pipeline's core: walk, archives, prefilter, match, the per-file budget and the scan run."""
