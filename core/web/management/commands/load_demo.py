from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import DEMO_PASSWORD, build_demo_county
from core.organisations.models import Organisation
from workflows.recruitment.demo import load_recruitment_demo, whereabouts
from workflows.rectification.demo import load_rectification_demo
from workflows.vetting.demo import load_vetting_demo


class Command(BaseCommand):
    help = "Load the demo county and its cases of every procedure (once) and print its logins."

    def handle(self, *args, **options):
        if Organisation.objects.filter(code="county").exists():
            self.stdout.write("demo data already loaded")
        else:
            with transaction.atomic():
                county = build_demo_county()
                loaded = load_recruitment_demo(county)
                load_vetting_demo(county)
                load_rectification_demo(county)
            for reason in loaded.stalled:
                self.stderr.write(f"a demo case stopped early: {reason}")
        from core.roles.models import RoleAssignment

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for ra in RoleAssignment.objects.select_related("person__user", "organisation").order_by(
            "pk"
        ):
            if ra.person.user:
                self.stdout.write(
                    f"  {ra.person.user.username:<20} {ra.person.name}  {ra.get_role_display()} · {ra.organisation}"
                )
        self.stdout.write("\nMember development cases by step (overdue in brackets):")
        for title, cases, overdue in whereabouts():
            late = f"  ({overdue})" if overdue else ""
            self.stdout.write(f"  {cases:>3}  {title}{late}")
