import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from core.workdays.calendar import is_working_day
from core.workdays.models import OfficialSchedule, ScheduleDay

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # The assertions read the messages; keep them in the source language even
    # once zh_Hans translations exist.
    with translation.override("en"):
        yield


# A test fixture, not the real 2027 schedule.
GOOD_CSV = """\
date,kind,name
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-09,makeup_workday,
"""


def load(path, *args, **options):
    options.setdefault("year", 2027)
    options.setdefault("source", "国办发明电〔2026〕N号")
    call_command("load_official_schedule", str(path), *args, **options)


def test_loads_a_csv_file(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    load(path)
    schedule = OfficialSchedule.objects.get(year=2027)
    assert schedule.source == "国办发明电〔2026〕N号"
    assert list(schedule.days.values_list("date", "kind", "name")) == [
        (date(2027, 1, 1), "holiday", "元旦"),
        (date(2027, 1, 2), "holiday", "元旦"),
        (date(2027, 1, 9), "makeup_workday", ""),
    ]
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 1, 9))


def test_loads_a_json_file(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(
        json.dumps([{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]),
        encoding="utf-8",
    )
    load(path)
    assert ScheduleDay.objects.get().date == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("bad_row", "mentioned"),
    [
        ("2027-01-06,makeup_workday,", "weekday"),  # a Wednesday
        ("2027-13-01,holiday,", "YYYY-MM-DD"),
        ("2027-01-04,day_off,", "kind"),
        ("2026-12-31,holiday,", "2026-12-31"),  # not in --year
        ("2027-01-01,holiday,", "twice"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, bad_row, mentioned):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_CSV + bad_row + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        load(path)
    assert "line 5" in str(caught.value)
    assert mentioned in str(caught.value)
    assert not OfficialSchedule.objects.exists()
    assert not ScheduleDay.objects.exists()


def test_a_bad_json_item_is_named(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps([{"date": "2027-01-01", "kind": "holiday"}, {"date": "x"}]))
    with pytest.raises(CommandError, match="item 2"):
        load(path)
    assert not OfficialSchedule.objects.exists()


def test_an_entered_year_is_kept_unless_replace(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    load(path)
    path.write_text("date,kind,name\n2027-02-08,holiday,春节\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--replace"):
        load(path)
    assert ScheduleDay.objects.count() == 3

    load(path, "--replace", source="replacement")
    schedule = OfficialSchedule.objects.get()
    assert schedule.source == "replacement"
    assert list(schedule.days.values_list("date", flat=True)) == [date(2027, 2, 8)]
