"""A worker for test_worker_kill: walk the given member-development cases step
by step through the services, round robin, printing each step done, until
they end or the process is killed."""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings.test")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from core.cases.models import Case  # noqa: E402
from workflows.recruitment import scenario  # noqa: E402

User = get_user_model()
actors = scenario.Actors(*(User.objects.get(username=u) for u in sys.argv[1].split(",")))
walks = [scenario.Walk(Case.objects.get(pk=int(pk)), actors) for pk in sys.argv[2:]]
while walks:
    for walk in list(walks):
        if walk.open_task() is None:
            walks.remove(walk)
            continue
        sys.stdout.write(f"{walk.case.pk} {walk.step()}\n")
        sys.stdout.flush()
