from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import DEMO_PASSWORD, build_demo_county
from core.organisations.models import Organisation


class Command(BaseCommand):
    help = "Load the demo county (once) and print its logins."

    def handle(self, *args, **options):
        if Organisation.objects.filter(code="county").exists():
            self.stdout.write("demo data already loaded")
        else:
            with transaction.atomic():
                build_demo_county()
        from core.roles.models import RoleAssignment

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for ra in RoleAssignment.objects.select_related("person__user", "organisation").order_by(
            "pk"
        ):
            if ra.person.user:
                self.stdout.write(
                    f"  {ra.person.user.username:<20} {ra.person.name}  {ra.get_role_display()} · {ra.organisation}"
                )
