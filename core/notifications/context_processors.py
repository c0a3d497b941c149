from django.utils.functional import SimpleLazyObject

from core.notifications.models import Notification

# The header counts unread notices up to here and shows "99+" beyond: county
# staff hear of every missed date in the county, and counting all of their
# tens of thousands took 49 ms of every page at 1,000,000 cases.
COUNTED_UP_TO = 100


def _unread_count(user):
    counted = Notification.objects.filter(recipient=user).unread()[:COUNTED_UP_TO].count()
    return f"{COUNTED_UP_TO - 1}+" if counted == COUNTED_UP_TO else counted


def unread(request):
    """`unread_notifications` for the header; counted only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: _unread_count(user))}
