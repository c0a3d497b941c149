from celery import shared_task


@shared_task
def purge_notifications():
    """Nightly: delete notifications past their retention (housekeeping)."""
    from core.notifications.services import purge_old

    return purge_old()
