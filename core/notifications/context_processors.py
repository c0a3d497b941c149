from django.utils.functional import SimpleLazyObject

from core.notifications.models import Notification


def unread(request):
    """`unread_notifications` for the header; counted only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient=user).unread().count()
        )
    }
