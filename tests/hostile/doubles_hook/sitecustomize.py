"""Test-only: with TIKTOK_SCAN_TEST_DOUBLES set, every Python process of a command (the CLI, the
audit's forkserver and pool workers) runs the misbehaving analyzer doubles beside the real ones.

Put this directory first on PYTHONPATH (tests/hostile/test_isolation.py does), the repository after it.
"""

import os
import sys

if os.environ.get("TIKTOK_SCAN_TEST_DOUBLES"):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import hostile_doubles

    from scanner.analyzers import registry

    registry.ANALYZERS = (*registry.ANALYZERS, *hostile_doubles.ALL_DOUBLES)
