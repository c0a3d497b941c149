import os
import time

from django.core.management.base import BaseCommand, CommandError

from core.audit.chain import anchor, verify


class Command(BaseCommand):
    help = "Recompute the audit hash chains and anchors; name the first broken event of each chain."

    def add_arguments(self, parser):
        parser.add_argument("--chain", help="verify one chain only, e.g. case:42")
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="processes checking the chains on PostgreSQL (default: one per CPU)",
        )
        parser.add_argument(
            "--anchor",
            dest="write_anchor",
            action="store_true",
            help="write a new anchor after a clean verification",
        )

    def handle(self, *args, chain=None, write_anchor=False, jobs=1, **options):
        started = time.perf_counter()
        report = verify(chain, jobs=jobs)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{report.events} events in {report.chains} chains, {report.anchors} anchors "
            f"verified in {seconds:.2f} s ({report.events / max(seconds, 1e-9):,.0f} events/s)"
        )
        if not report.ok:
            for item in report.breaks:
                self.stderr.write(f"BROKEN {item}")
            raise CommandError(f"{len(report.breaks)} chain(s) broken; first: {report.breaks[0]}")
        if write_anchor and not chain:
            made = anchor()
            self.stdout.write(
                f"anchored up to event {made.last_event_id}" if made else "nothing new to anchor"
            )
        self.stdout.write(self.style.SUCCESS("audit log intact"))
