PYTHON ?= python
# Long fuzzing run: TIKTOK_SCAN_FUZZ_EXAMPLES examples per target (default 5000); failing inputs
# are saved to tests/fuzz/regressions/ (commit them with the fix).
FUZZ_EXAMPLES ?= 5000

.PHONY: fuzz hostile

fuzz:
	TIKTOK_SCAN_FUZZ_PROFILE=fuzz TIKTOK_SCAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) TIKTOK_SCAN_FUZZ_SAVE=1 \
		$(PYTHON) -m pytest tests/fuzz -q -p no:cacheprovider

hostile:
	$(PYTHON) -m pytest tests/hostile -q
