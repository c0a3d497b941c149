from celery import shared_task

from core.audit.chain import anchor


@shared_task
def anchor_audit_chains():
    made = anchor()
    return made.pk if made else None
