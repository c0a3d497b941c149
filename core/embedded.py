"""The embedded default's stand-in for celery beat: a thread in the web process
that runs the same beat schedule, so deadlines and timers act in the demo too."""

import logging
import threading

from celery.schedules import schedule as every
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from core.celery import app

log = logging.getLogger(__name__)


def _schedules():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        when = entry["schedule"]
        yield name, entry["task"], every(when) if isinstance(when, int | float) else when


def run_due(last_runs):
    """Run every entry that is due; returns the seconds until the next one."""
    app.loader.import_default_modules()
    wait = 60.0
    for name, task, when in _schedules():
        # The first run comes one interval after start, as with celery beat.
        due, next_in = when.is_due(last_runs.setdefault(name, timezone.now()))
        if due:
            last_runs[name] = timezone.now()
            try:
                app.tasks[task].apply(throw=True)
            except Exception:  # one failing job must not stop the others
                log.exception("embedded beat: %s failed", name)
        wait = min(wait, next_in)
    return max(wait, 1.0)


def start_beat_thread():
    stop = threading.Event()

    def loop():
        last_runs = {}
        while not stop.is_set():
            close_old_connections()
            stop.wait(run_due(last_runs))

    threading.Thread(target=loop, name="embedded-beat", daemon=True).start()
    return stop
