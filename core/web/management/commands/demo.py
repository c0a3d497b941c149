from django.core.management import call_command
from django.core.management.base import BaseCommand

from core.embedded import start_beat_thread


class Command(BaseCommand):
    help = "Run the embedded default: migrate, load the demo county, serve with timers."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo")
        start_beat_thread()
        self.stdout.write(f"\nPartyFlow is at http://{addrport}/  (Ctrl+C stops it)\n")
        # No autoreloader: it would start a second process with a second beat thread.
        call_command("runserver", addrport, use_reloader=False)
