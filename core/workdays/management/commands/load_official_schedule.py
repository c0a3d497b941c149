"""Load one year's official holiday schedule from a CSV or JSON file.

Format: core/workdays/schedules/README.md. Every row is checked before
anything is written, and the year is written in one transaction.
"""

import csv
import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core.workdays.models import OfficialSchedule, ScheduleDay


class Command(BaseCommand):
    help = "Load one year's official holiday schedule (date,kind,name) from a CSV or JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a .csv or .json file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--source", required=True, help="the State Council General Office notice"
        )
        parser.add_argument(
            "--replace", action="store_true", help="replace the year if already entered"
        )

    def handle(self, *args, file, year, source, replace, **options):
        rows = self._read(file)
        if not rows:
            raise CommandError(_("%(file)s has no rows.") % {"file": file})
        schedule = OfficialSchedule(year=year, source=source)
        days, errors, seen = [], [], set()
        for label, row in rows:
            try:
                day = self._day(schedule, row)
                if day.date in seen:
                    raise ValidationError(_("%(date)s is listed twice.") % {"date": day.date})
                seen.add(day.date)
                days.append(day)
            except ValidationError as e:
                errors.append(f"{label}: {' '.join(e.messages)}")
        if errors:
            raise CommandError(
                _("Nothing was loaded; fix these rows of %(file)s:") % {"file": file}
                + "\n"
                + "\n".join(errors)
            )

        with transaction.atomic():
            existing = OfficialSchedule.objects.select_for_update().filter(year=year)
            if existing.exists():
                if not replace:
                    raise CommandError(
                        _("%(year)s is already entered; use --replace to replace it.")
                        % {"year": year}
                    )
                existing.delete()  # its days go with it
            schedule.save()
            ScheduleDay.objects.bulk_create(days)
        self.stdout.write(
            self.style.SUCCESS(
                _("Loaded %(count)s days for %(year)s.") % {"count": len(days), "year": year}
            )
        )

    def _read(self, file):
        """[(label naming the row, {"date", "kind", "name"})]"""
        try:
            text = file.read_text(encoding="utf-8-sig")  # Excel writes a BOM
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": e}
            ) from e
        if file.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except ValueError as e:
                raise CommandError(
                    _("%(file)s is not valid JSON: %(error)s") % {"file": file, "error": e}
                ) from e
            if not isinstance(data, list):
                raise CommandError(_("%(file)s must hold a JSON list of rows.") % {"file": file})
            return [(_("item %(number)s") % {"number": i}, row) for i, row in enumerate(data, 1)]
        if file.suffix.lower() == ".csv":
            reader = csv.DictReader(text.splitlines())
            if not {"date", "kind"} <= set(reader.fieldnames or ()):
                raise CommandError(
                    _("%(file)s must start with the header line date,kind,name.") % {"file": file}
                )
            # Line numbers as a spreadsheet shows them: the header is line 1.
            return [(_("line %(number)s") % {"number": reader.line_num}, row) for row in reader]
        raise CommandError(_("%(file)s must be a .csv or .json file.") % {"file": file})

    def _day(self, schedule, row):
        """An unsaved, validated ScheduleDay, or ValidationError."""
        if not isinstance(row, dict):
            raise ValidationError(_("expected an object with date, kind and name."))
        value = row.get("date")
        try:
            day_date = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(
                _("%(value)r is not a date written YYYY-MM-DD.") % {"value": value}
            ) from None
        kind = str(row.get("kind") or "").strip()
        if kind not in ScheduleDay.Kind.values:
            raise ValidationError(
                _("kind %(value)r must be one of: %(kinds)s.")
                % {"value": kind, "kinds": ", ".join(ScheduleDay.Kind.values)}
            )
        day = ScheduleDay(
            schedule=schedule,
            date=day_date,
            kind=kind,
            name=str(row.get("name") or "").strip(),
        )
        # Not full_clean(): its uniqueness check would find the rows --replace
        # is about to delete. Dates are unique across years anyway, since each
        # must fall in its own schedule's year.
        day.clean_fields(exclude=["schedule"])
        day.clean()
        return day
