"""The auditor's pages: search, a case's timeline, compliance findings, exports.

Only users holding read_audit reach them (403 otherwise); every read starts
from the cases the user may see, so a case outside the grant is 404. The
only write is the record of an export, on the exporter's own audit chain.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from core.audit.chain import verify
from core.audit.events import case_chain
from core.auditing import checks, export, history, services
from core.auditing.search import SearchForm, current_steps, procedure_title, search
from core.flowkit.selectors import cases_visible_to
from core.roles.scope import holds

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 50
# A compliance run reads every listed case's history on the request; past this
# many cases the page asks for a narrower search.
CHECK_LIMIT = 2000
CHECK_BATCH = 500


def _auditor(request):
    if not holds(request.user, "read_audit"):
        raise PermissionDenied(_("Only auditors read the audit workspace."))


def _search(request):
    """(form, the visible cases it selects): every visible case when nothing is asked,
    none while the form has an error."""
    form = SearchForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, cases_visible_to(request.user).none()
    return form, search(request.user, form.cleaned_data)


@login_required
def index(request):
    _auditor(request)
    form, cases = _search(request)
    page = Paginator(cases, PAGE).get_page(request.GET.get("page"))
    steps = current_steps(case.pk for case in page.object_list)
    return render(
        request,
        "auditing/index.html",
        {
            "form": form,
            "page": page,
            "rows": [
                (case, procedure_title(case), steps.get(case.pk, [])) for case in page.object_list
            ],
            "query": request.GET.urlencode(),
        },
    )


def _procedure_url(case):
    try:
        return reverse(f"{case.flow_class.instance.app_label}:case", args=[case.pk])
    except NoReverseMatch:
        return None


def _visible_case(request, pk):
    _auditor(request)
    return get_object_or_404(
        cases_visible_to(request.user).select_related("organisation", "township", "subject"),
        pk=pk,
    )


def _case_facts(case):
    findings = checks.run(history.load([case]), history.Params())
    return history.timeline(case), findings, verify(chain=case_chain(case))


@login_required
def case_detail(request, pk):
    case = _visible_case(request, pk)
    entries, findings, report = _case_facts(case)
    return render(
        request,
        "auditing/case.html",
        {
            "case": case,
            "procedure": procedure_title(case),
            "entries": entries,
            "findings": findings,
            "report": report,
            "procedure_url": _procedure_url(case),
        },
    )


@login_required
def compliance(request):
    _auditor(request)
    form, cases = _search(request)
    total = cases.count()
    params = history.Params()
    listed = list(cases[:CHECK_LIMIT])
    findings = []
    for start in range(0, len(listed), CHECK_BATCH):
        findings += checks.run(history.load(listed[start : start + CHECK_BATCH]), params)
    page = Paginator(findings, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "auditing/compliance.html",
        {
            "form": form,
            "page": page,
            "checked": len(listed),
            "total": total,
            "query": request.GET.urlencode(),
        },
    )


def _download(content, filename, content_type):
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_export(request, pk, fmt):
    case = _visible_case(request, pk)
    entries, findings, report = _case_facts(case)
    if fmt == "pdf":
        content = export.case_pdf(case, entries, findings, report)
    else:
        content = export.case_workbook(case, entries, findings, report)
    services.record_export(actor=request.user, data={"format": fmt, "case": case.pk})
    filename = _("Audit of case %(case)s.%(ext)s") % {"case": case.pk, "ext": fmt}
    return _download(content, filename, "application/pdf" if fmt == "pdf" else XLSX)


@login_required
def result_export(request, fmt):
    _auditor(request)
    form, cases = _search(request)
    if form.errors:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    if fmt == "pdf":
        content, pks = export.result_pdf(cases, cases.count())
    else:
        content, pks = export.result_workbook(cases)
    services.record_export(
        actor=request.user,
        data={
            "format": fmt,
            "criteria": form.criteria(),
            "count": len(pks),
            "cases_sha256": export.digest_of(pks),
        },
    )
    filename = _("Audit search result.%(ext)s") % {"ext": fmt}
    return _download(content, filename, "application/pdf" if fmt == "pdf" else XLSX)
