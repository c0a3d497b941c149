"""A user's own notifications: the list, and marking them read.

Every read is filtered by recipient, so another user's notification answers
404 as if it did not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.notifications import services
from core.notifications.models import Notification

PAGE_SIZE = 50


@login_required
def notification_list(request):
    mine = Notification.objects.filter(recipient=request.user).select_related("case")
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": mine.unread().count()},
    )


@login_required
@require_POST
def mark_read(request, pk):
    get_object_or_404(Notification, recipient=request.user, pk=pk)
    services.mark_read(request.user, [pk])
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(request.user)
    return redirect("notifications:list")
