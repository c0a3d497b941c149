"""One contender in a race: complete the review task at a given instant.

Run as a separate process by test_races.py; prints WON, ALREADY_DONE or the error.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.test")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from viewflow.workflow.models import Task  # noqa: E402

from core.flowkit import services  # noqa: E402
from core.flowkit.errors import AlreadyDone  # noqa: E402

task_pk, username, start_at = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
actor = get_user_model().objects.get(username=username)
task = Task.objects.get(pk=task_pk)
time.sleep(max(0.0, start_at - time.time()))
try:
    with services.step(actor=actor, task=task) as change:
        time.sleep(0.2)  # hold the lock while the others arrive
        change.complete(opinion=username)
    sys.stdout.write("WON\n")
except AlreadyDone:
    sys.stdout.write("ALREADY_DONE\n")
