"""The township's oversight page, its figures as JSON, the plan entry, and the
county's list of poor villages.

Reads go through core.oversight.selectors (403 without an oversight role, 404
for a township outside one's own); the plan and the list are written by
core.oversight.services, whose refusals are answered 404/403, or 400 with the
page shown again and the rule's code.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.flowkit.errors import NotPermitted
from core.organisations.models import Organisation
from core.oversight import charts, selectors, services
from core.oversight.forms import PlanForm, PoorVillageForm, VillageFilterForm
from core.oversight.models import PoorVillage
from core.web.refusals import refusal


def _year(request, today):
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() and 2000 <= int(year) <= today.year + 1 else today.year


@login_required
def index(request):
    """The county picks a township; a township goes straight to its own."""
    townships = list(selectors.townships_overseen(request.user))
    if not townships:
        raise NotPermitted(_("Only a township committee or the county oversees a township."))
    if len(townships) == 1:
        return redirect("oversight:township", pk=townships[0].pk)
    return render(
        request,
        "oversight/index.html",
        {
            "townships": townships,
            "keeps_poor_villages": selectors.keeps_poor_villages(request.user),
        },
    )


def _page(request, township, form=None, error=None, status=200):
    today = timezone.localdate()
    year = _year(request, today)
    figures = selectors.township_figures(township, year, today)
    page = Paginator(selectors.open_cases(township, today), 50).get_page(request.GET.get("page"))
    form = form or PlanForm(township=township, initial={"organisation": township, "year": year})
    return render(
        request,
        "oversight/township.html",
        {
            "township": township,
            "townships": selectors.townships_overseen(request.user),
            "figures": figures,
            "charts": charts.charts(figures),
            "page": page,
            "rows": selectors.case_rows(page.object_list, today),
            "years": range(today.year + 1, today.year - 5, -1),
            "form": form,
            "error": error,
            "keeps_poor_villages": selectors.keeps_poor_villages(request.user),
        },
        status=status,
    )


@login_required
def township(request, pk):
    return _page(request, selectors.overseen_township(request.user, pk))


@login_required
def data(request, pk):
    township = selectors.overseen_township(request.user, pk)
    today = timezone.localdate()
    return JsonResponse(selectors.township_figures(township, _year(request, today), today))


@login_required
@require_POST
def plan(request, pk):
    township = selectors.overseen_township(request.user, pk)
    form = PlanForm(request.POST, township=township)
    error = None
    if form.is_valid():
        try:
            services.enter_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as refused:
            error = refusal(refused)
        else:
            messages.success(request, _("The development plan is recorded."))
            url = reverse("oversight:township", args=[township.pk])
            return redirect(f"{url}?year={form.cleaned_data['year']}")
    return _page(request, township, form, error, status=400)


# --- The county's list of poor villages -------------------------------------------------


def _villages_page(request, error=None, status=200):
    villages, townships = selectors.villages_to_keep(request.user)
    filters = VillageFilterForm(request.GET, townships=townships)
    page = Paginator(filters.filter(villages), 50).get_page(request.GET.get("page"))
    names = {township.pk: township.name for township in townships}
    rows = [
        {
            "village": village,
            "township": next((names[pk] for pk in village.ancestor_ids() if pk in names), ""),
        }
        for village in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "oversight/poor_villages.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            # The row forms post here and the page comes back where it was.
            "here": request.GET.urlencode(),
            "today": timezone.localdate(),
            "error": error,
        },
        status=status,
    )


@login_required
def poor_villages(request):
    return _villages_page(request)


@login_required
@require_POST
def poor_village(request, pk):
    """Put a village on the list or take it off; refused 404/403 before the form is read."""
    village = get_object_or_404(Organisation, pk=pk)
    services.authorise_listing(request.user, village)
    form = PoorVillageForm(request.POST)
    if form.is_valid():
        try:
            services.list_poor_village(
                actor=request.user,
                organisation=village,
                listed=form.cleaned_data["listed"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as refused:
            error = refusal(refused)
        else:
            # Said from the list as it now is: listing a listed village changes nothing.
            row = PoorVillage.objects.filter(organisation=village).first()
            if row:
                text = _("%(village)s is on the list of poor villages (listed on %(date)s).")
                messages.success(request, text % {"village": village, "date": row.listed_on})
            else:
                text = _("%(village)s is not on the list of poor villages.")
                messages.success(request, text % {"village": village})
            query = request.GET.urlencode()
            return redirect(reverse("oversight:poor-villages") + (f"?{query}" if query else ""))
    else:
        errors = " ".join(message for errors in form.errors.values() for message in errors)
        error = _("%(village)s: %(error)s") % {"village": village, "error": errors}
    return _villages_page(request, error, status=400)
