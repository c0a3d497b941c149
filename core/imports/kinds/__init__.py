"""The kinds of spreadsheet the import takes, each with its template columns, the
permission an importer needs over each row's organisation, and its row importer."""

from dataclasses import dataclass

from core.imports.kinds import organisations, people, recruitment
from core.imports.models import ImportKind


@dataclass(frozen=True)
class Kind:
    columns: list
    permissions: tuple
    import_row: object
    sensitive: frozenset = frozenset()  # columns whose values the report masks


KINDS = {
    ImportKind.ORGANISATIONS: Kind(
        organisations.COLUMNS, organisations.PERMISSIONS, organisations.import_row
    ),
    ImportKind.PEOPLE: Kind(
        people.COLUMNS, people.PERMISSIONS, people.import_row, frozenset(people.SENSITIVE)
    ),
    ImportKind.RECRUITMENT: Kind(
        recruitment.COLUMNS,
        recruitment.PERMISSIONS,
        recruitment.import_row,
        frozenset(recruitment.SENSITIVE),
    ),
}
