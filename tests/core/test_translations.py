"""The Simplified Chinese catalogue is complete, well-formed and compiled.

The .po file is read with a small parser (no polib); Django's own gettext,
which reads the committed .mo file, must return every msgstr of the .po, so
a .mo left behind after editing the .po fails here. No database is used.
"""

import gettext as gnu_gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # index -> text; 0 for a singular msgstr
    flags: set = field(default_factory=set)

    @property
    def is_header(self):
        return self.msgid == "" and self.msgctxt is None

    def __str__(self):
        return f"django.po line {self.line}: {self.msgid!r}"


def _unquote(text, line):
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"django.po line {line}: bad string {text}")
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path):
    """Entries of a .po file, header included, obsolete (#~) entries left out."""
    entries, entry, target = [], None, None

    def start(number):
        nonlocal entry
        if entry is None:
            entry = Entry(line=number)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, target = None, None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            start(number).flags.update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            start(number)
        elif line.startswith('"'):
            assert target is not None, f"line {number}: string outside an entry"
            kind, index = target
            value = _unquote(line, number)
            if kind == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, kind, getattr(entry, kind) + value)
        else:
            keyword, _, rest = line.partition(" ")
            current = start(number)
            value = _unquote(rest, number)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword == "msgstr" or match:
                index = int(match.group(1)) if match else 0
                current.msgstr[index] = value
                target = ("msgstr", index)
            elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                if keyword == "msgid":
                    current.line = number
                setattr(current, keyword, value)
                target = (keyword, None)
            else:
                raise AssertionError(f"line {number}: unknown keyword {keyword}")
    if entry is not None:
        entries.append(entry)
    return entries


ENTRIES = parse_po(PO_FILE)
HEADER = next(e for e in ENTRIES if e.is_header)
MESSAGES = [e for e in ENTRIES if not e.is_header]


def placeholders(text):
    named = re.findall(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcu]", text)
    template = re.findall(r"\{\{.*?\}\}", text)
    return sorted(named + template)


def test_catalogue_has_messages():
    assert len(MESSAGES) > 100


def test_header():
    fields = dict(line.split(": ", 1) for line in HEADER.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "zh_Hans"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in fields["Content-Type"]
    assert "fuzzy" not in HEADER.flags


def test_every_message_is_translated_and_checked():
    untranslated = [str(e) for e in MESSAGES if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [str(e) for e in MESSAGES if "fuzzy" in e.flags]
    assert untranslated == [], "empty msgstr"
    assert fuzzy == [], "fuzzy entries"


def test_placeholders_are_kept():
    wrong = [
        str(e)
        for e in MESSAGES
        for text in e.msgstr.values()
        if placeholders(text) != placeholders(e.msgid)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Branch", "党支部"),
        ("Party committee", "党委"),
        ("General branch", "党总支"),
        ("Probationary member", "预备党员"),
        ("My work", "我的工作台"),
        ("Waiting for me", "待我办理"),
        ("Cases", "案卷"),
        (
            "The birth date %(born)s in the ID number differs from the birth date given.",
            "身份证号码中的出生日期 %(born)s 与填写的出生日期不一致。",
        ),
        (
            "R1.20: only a party committee may hold approval authority for new members.",
            "R1.20：只有党委才能拥有发展党员审批权。",
        ),
    ],
)
def test_known_strings(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_compiled_catalogue_matches_po():
    """Django, reading the committed .mo, returns every msgstr of the .po."""
    assert MO_FILE.exists(), "run: manage.py compilemessages --ignore=.venv"
    stale = []
    with translation.override("zh-hans"):
        for e in MESSAGES:
            if e.msgid_plural is None:
                if e.msgctxt is None:
                    got = translation.gettext(e.msgid)
                else:
                    got = translation.pgettext(e.msgctxt, e.msgid)
            elif e.msgctxt is None:
                got = translation.ngettext(e.msgid, e.msgid_plural, 1)
            else:
                got = translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
            if got != e.msgstr[0]:
                stale.append(str(e))
    assert stale == [], "django.mo is out of date: run compilemessages"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt not installed")
def test_msgfmt_accepts_po_and_mo_is_current(tmp_path):
    """msgfmt checks the formats, and its output reads the same as the committed .mo."""
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", str(fresh), str(PO_FILE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    with fresh.open("rb") as a, MO_FILE.open("rb") as b:
        expected = gnu_gettext.GNUTranslations(a)._catalog
        committed = gnu_gettext.GNUTranslations(b)._catalog
    assert committed == expected, "django.mo is out of date: run compilemessages"
