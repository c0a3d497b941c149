"""One dispatcher of several: sweep the deadlines at a given instant.

Run as a separate process by test_sweep_races.py; prints the sweep's counts
and how long it took as JSON.
"""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.test")
django.setup()

from core.cases.deadlines import sweep  # noqa: E402

start_at, batch = float(sys.argv[1]), int(sys.argv[2])
time.sleep(max(0.0, start_at - time.time()))
began = time.perf_counter()
counts = sweep(batch=batch)
sys.stdout.write(json.dumps({**counts, "seconds": round(time.perf_counter() - began, 3)}) + "\n")
