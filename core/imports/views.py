"""Pages of the bulk import: upload (with the templates), a job's progress and
its bad-row report. Jobs are read through `services.jobs_of` (another user's
job is 404) and started only through the services."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.imports import services
from core.imports.forms import UploadForm
from core.imports.models import ImportKind
from core.imports.sheets import report_workbook, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_ROWS_SHOWN = 500


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def index(request):
    kinds = services.kinds_for(request.user)
    if not kinds:
        raise PermissionDenied(_("Your roles do not allow importing."))
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = services.start_import(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                    language=get_language(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("imports:job", pk=job.pk)
        status = 400
    return render(
        request,
        "imports/index.html",
        {
            "form": form,
            "kinds": [(k, ImportKind(k).label) for k in kinds],
            "jobs": services.jobs_of(request.user)[:20],
        },
        status=status,
    )


@login_required
def template(request, kind):
    if kind not in ImportKind.values:
        raise Http404
    label = ImportKind(kind).label
    return _xlsx(template_workbook(kind), _("Import template - %(kind)s.xlsx") % {"kind": label})


def _job(request, pk):
    return get_object_or_404(services.jobs_of(request.user), pk=pk)


@login_required
def job_detail(request, pk):
    job = _job(request, pk)
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "bad_rows": job.report[:REPORT_ROWS_SHOWN],
            "more_rows": max(0, len(job.report) - REPORT_ROWS_SHOWN),
        },
    )


@login_required
def job_progress(request, pk):
    job = _job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "finished": job.finished,
            "rows_total": job.rows_total,
            "rows_done": job.rows_done,
            "percent": job.percent,
            "bad_rows": len(job.report),
        }
    )


@login_required
def job_report(request, pk):
    job = _job(request, pk)
    return _xlsx(report_workbook(job), _("Import %(job)s - bad rows.xlsx") % {"job": job.pk})


@login_required
@require_POST
def import_for_real(request, pk):
    job = _job(request, pk)
    try:
        real = services.import_checked_file(actor=request.user, job=job)
    except ValidationError as error:
        return render(
            request,
            "imports/job.html",
            {"job": job, "bad_rows": job.report, "more_rows": 0, "refusal": error},
            status=400,
        )
    return redirect("imports:job", pk=real.pk)
