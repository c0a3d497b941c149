"""What the benchmark's worker processes do (started with multiprocessing "spawn",
so each sets Django up on the run database itself)."""

import resource
import time

from bench.generate import setup

# The steps a worker completes through the service need dates the scenario
# plans from the dossier; cultivation also files evaluations first (Walk.before)
# dated up to ten months after the activist was chosen, which is still in the
# future for most waiting cases, so it is left out of the step benchmark.
NOT_TIMED = {"cultivate"}


def _service_jobs(task_ids):
    from django.utils import timezone
    from viewflow.workflow.models import Task

    from bench.actors import actors_for, planned_day
    from workflows.recruitment import scenario
    from workflows.recruitment.models import Recruitment

    jobs = []
    for task in Task.objects.filter(pk__in=task_ids).order_by("pk"):
        case = Recruitment.objects.get(pk=task.process_id)
        actors = actors_for(case)
        walk = scenario.Walk(case, actors)
        name = task.flow_task.name
        day = planned_day(walk, name, timezone.localdate())
        jobs.append((task, actors.for_step(task), walk.fields(name), day))
    return jobs


def _bare_jobs(task_ids):
    from viewflow.workflow.models import Task

    from bench.actors import actors_for

    jobs = []
    for task in Task.objects.filter(pk__in=task_ids).order_by("pk"):
        case = task.process.coerced
        jobs.append((task, actors_for(case).for_step(task)))
    return jobs


def _complete(mode, job):
    from workflows.recruitment import services

    if mode == "service":
        task, actor, fields, day = job
        services.complete(actor=actor, task=task, today=day, **fields)
    else:
        task, actor = job
        with task.activation() as activation:
            activation.assign(actor)
            activation.start(None)
            activation.execute()


def complete_steps(url, mode, task_ids, barrier, results):
    """Complete `task_ids` one after another, through the service or bare viewflow."""
    setup(url)
    from django.db import close_old_connections

    jobs = _service_jobs(task_ids) if mode == "service" else _bare_jobs(task_ids)
    latencies, errors = [], {}
    # The first step of a fresh process loads translations, URL patterns and
    # flow graphs: done before the clock starts and not counted.
    warm_up, jobs = jobs[:1], jobs[1:]
    for job in warm_up:
        _complete(mode, job)
    barrier.wait()
    started = time.perf_counter()
    for job in jobs:
        began = time.perf_counter()
        try:
            _complete(mode, job)
        except Exception as error:  # counted and reported, never hidden
            key = f"{type(error).__name__}: {str(error)[:80]}"
            errors[key] = errors.get(key, 0) + 1
            close_old_connections()
            continue
        latencies.append(time.perf_counter() - began)
    results.put({"latencies": latencies, "errors": errors, "wall": time.perf_counter() - started})


def sweep_deadlines(url, today, barrier, results):
    """One dispatcher: sweep until nothing is due (cases another one holds are
    skipped by a sweep and taken by the next)."""
    setup(url)
    from core.cases.deadlines import sweep

    barrier.wait()
    started = time.perf_counter()
    totals, rounds = {}, 0
    while True:
        rounds += 1
        counts = sweep(today=today)
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        if not counts["reminded"] and not counts["overdue"]:
            if not counts["skipped"]:
                break
            # Everything left is locked by the other dispatcher: wait, do not spin.
            time.sleep(0.05)
    results.put({"counts": totals, "rounds": rounds, "wall": time.perf_counter() - started})


def serve_pages(url, requests, results):
    """A web worker: serve `requests` [(label, username, path)] with Django's test
    client and time each; also report the process's peak memory."""
    setup(url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    clients, timings, statuses = {}, {}, {}
    for label, username, path in requests:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(get_user_model().objects.get(username=username))
        began = time.perf_counter()
        response = clients[username].get(path)
        timings.setdefault(label, []).append(time.perf_counter() - began)
        statuses.setdefault(label, set()).add(response.status_code)
    results.put(
        {
            "timings": timings,
            "statuses": {k: sorted(v) for k, v in statuses.items()},
            "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }
    )
