from celery import shared_task

from core.roles.services import sync_all_users


@shared_task
def sync_expired_roles():
    """Roles start and end by date: refresh the grants every hour."""
    return sync_all_users()
