PYTHON ?= python
# Long fuzzing run (`make fuzz`): FUZZ_EXAMPLES examples per in-process target (default 5000) and
# FUZZ_CLI_EXAMPLES grammar-aware CLI runs (default 500, each a serial scan under a watchdog of
# the per-file budget plus grace: up to ~30 s when an input hangs). Failing inputs are saved to
# tests/fuzz/regressions/ (in-process) and tests/fuzz/regressions/native/ (CLI); commit them with
# the fix. TIKTOK_SCAN_FUZZ_EXAMPLES and TIKTOK_SCAN_FUZZ_CLI_EXAMPLES also work on their own,
# without the `fuzz` profile, e.g. `TIKTOK_SCAN_FUZZ_EXAMPLES=1000 pytest tests/fuzz`.
FUZZ_EXAMPLES ?= 5000
FUZZ_CLI_EXAMPLES ?= 500

.PHONY: fuzz hostile

fuzz:
	TIKTOK_SCAN_FUZZ_PROFILE=fuzz TIKTOK_SCAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		TIKTOK_SCAN_FUZZ_CLI_EXAMPLES=$(FUZZ_CLI_EXAMPLES) TIKTOK_SCAN_FUZZ_SAVE=1 \
		$(PYTHON) -m pytest tests/fuzz -q -p no:cacheprovider

hostile:
	$(PYTHON) -m pytest tests/hostile -q
