"""Horizontal bar charts drawn on the server as SVG (no script on the page).

Python lays out every bar, so the template only writes the shapes. Each chart
carries a title and a description for screen readers, and every bar its
number as text, so the figures can be read without seeing the bars.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

WIDTH, LABEL, PLOT = 720, 250, 330
BAR, GAP, ROW_GAP, TOP = 16, 4, 12, 8
FILL = {
    "cases": "#5a7bb5",
    "overdue": "#b5121b",
    "planned": "#b0b0b0",
    "admitted": "#1c5e25",
    "below": "#b5121b",
}


@dataclass
class Bar:
    value: float
    text: str
    kind: str
    y: float = 0
    width: float = 0

    @property
    def fill(self):
        return FILL[self.kind]

    @property
    def text_x(self):
        return LABEL + self.width + 6

    @property
    def text_y(self):
        return self.y + BAR - 4


@dataclass
class Row:
    label: str
    bars: list[Bar]
    target: float | None = None  # a line across the row: the value to reach
    y: float = 0
    height: float = 0
    target_x: float | None = None

    @property
    def label_y(self):
        return self.y + self.height / 2 + 5

    @property
    def line_top(self):
        return self.y - 3

    @property
    def line_bottom(self):
        return self.y + self.height + 3


@dataclass
class Chart:
    key: str
    title: str
    description: str
    rows: list[Row]
    legend: list[tuple[str, str]] = field(default_factory=list)
    maximum: float | None = None
    height: float = 0

    def __post_init__(self):
        """Place the rows one under the other and scale the bars to the widest."""
        values = [bar.value for row in self.rows for bar in row.bars]
        values += [row.target for row in self.rows if row.target is not None]
        scale = PLOT / max(self.maximum or 0, *values, 1)
        y = TOP
        for row in self.rows:
            row.y = y
            for bar in row.bars:
                bar.y, bar.width = y, round(bar.value * scale, 1)
                y += BAR + GAP
            row.height = y - GAP - row.y
            if row.target is not None:
                row.target_x = round(LABEL + row.target * scale, 1)
            y += ROW_GAP
        self.height = y + TOP

    @property
    def width(self):
        return WIDTH

    @property
    def plot_x(self):
        return LABEL

    @property
    def label_x(self):
        return LABEL - 8

    @property
    def legend_items(self):
        return [(FILL[kind], label) for kind, label in self.legend]


def stage_chart(stages):
    rows = [
        Row(
            f"{stage['procedure']} · {stage['stage']}",
            [
                Bar(stage["cases"], _("%(n)s cases") % {"n": stage["cases"]}, "cases"),
                Bar(stage["overdue"], _("%(n)s overdue") % {"n": stage["overdue"]}, "overdue"),
            ],
        )
        for stage in stages
    ]
    return Chart(
        "stages",
        _("Cases in progress by stage"),
        _("For each stage, the cases waiting there and how many of them are overdue."),
        rows,
        [("cases", _("cases")), ("overdue", _("overdue"))],
    )


def plan_chart(plan, year):
    rows = []
    for row in [plan["township"], *plan["branches"]]:
        bars = [Bar(row["admitted"], _("%(n)s admitted") % {"n": row["admitted"]}, "admitted")]
        if row["planned"] is not None:
            bars.insert(
                0, Bar(row["planned"], _("%(n)s planned") % {"n": row["planned"]}, "planned")
            )
        rows.append(Row(row["name"], bars))
    return Chart(
        "plan",
        _("Development plan %(year)s against admissions") % {"year": year},
        _("For the township and each branch, the admissions planned and those approved."),
        rows,
        [("planned", _("planned")), ("admitted", _("admitted"))],
    )


def _share_bar(part):
    share = part["share"] or 0
    text = _("%(share)s%% (%(n)s), target %(target)s%%") % {
        "share": "—" if part["share"] is None else share,
        "n": part["count"],
        "target": part["target"],
    }
    return Row(
        "", [Bar(share, text, "admitted" if part["met"] is not False else "below")], part["target"]
    )


def structure_chart(structure):
    young, educated = _share_bar(structure["young"]), _share_bar(structure["educated"])
    young.label, educated.label = _("Under 35"), _("High-school education or more")
    return Chart(
        "structure",
        _("Structure of the new members"),
        _(
            "Share of the year's new members under 35 and with high-school education or more; "
            "the line marks the target of the rule pack."
        ),
        [young, educated],
        [("admitted", _("target reached")), ("below", _("below target"))],
        maximum=100,
    )


def poor_village_chart(poor):
    minimum = poor["minimum"]
    rows = [
        Row(
            village["name"],
            [
                Bar(
                    village["admitted"],
                    _("%(n)s admitted") % {"n": village["admitted"]},
                    "admitted" if village["met"] else "below",
                )
            ],
            minimum,
        )
        for village in poor["villages"]
    ]
    return Chart(
        "poor",
        _("New members in poor villages"),
        _("Admissions of the year in each poor village; the line marks the %(n)s required.")
        % {"n": minimum},
        rows,
        [("admitted", _("target reached")), ("below", _("below target"))],
    )


def charts(figures):
    found = [
        stage_chart(figures["cases"]["stages"]),
        plan_chart(figures["plan"], figures["year"]),
        structure_chart(figures["structure"]),
    ]
    if figures["poor_villages"]["villages"]:
        found.append(poor_village_chart(figures["poor_villages"]))
    return found
