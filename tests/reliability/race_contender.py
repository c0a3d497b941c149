"""A long-lived contender for test_many_races: for each line "task_pk start_at"
on stdin, complete that task at that instant and answer WON, ALREADY_DONE or
the error on stdout. One process serves many races, so a thousand races do
not pay a thousand Django start-ups."""

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

actor = get_user_model().objects.get(username=sys.argv[1])
for line in sys.stdin:
    task_pk, start_at = line.split()
    task = Task.objects.get(pk=int(task_pk))
    time.sleep(max(0.0, float(start_at) - time.time()))
    try:
        with services.step(actor=actor, task=task) as change:
            change.complete(opinion=actor.username)
        answer = "WON"
    except AlreadyDone:
        answer = "ALREADY_DONE"
    except Exception as error:  # reported to the test, which fails on it
        answer = f"ERROR {type(error).__name__}: {error}"
    sys.stdout.write(answer + "\n")
    sys.stdout.flush()
