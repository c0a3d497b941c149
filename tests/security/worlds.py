"""The matrix's objects of the other procedures, for the Dongcheng village branch.

Each is built once per test, on first use, through the procedures' own scenario
helpers (every step by the user whose role it is, with lawful dates), so an
object is in the state a real user would find it in.
"""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.models import Task

from core.flowkit.selectors import OPEN
from core.imports import services as imports
from core.imports.sheets import template_workbook
from tests.workflows.rectification.helpers import OPENED, W4_BY_TOWNSHIP, report
from tests.workflows.vetting.conftest import TODAY
from workflows.rectification import services as rectification
from workflows.rectification.models import ProblemState, RoundKind
from workflows.rectification.scenario import CaseWalk, ScreeningWalk
from workflows.vetting import scenario as vetting_scenario
from workflows.vetting import services as vetting
from workflows.vetting.demo import add_departments
from workflows.vetting.flows import JointReviewFlow
from workflows.vetting.models import Post, Purpose, Referral


@dataclass
class Rectification:
    """A dynamic screening round that listed the village branch (W4), and its rectification
    case at the `rectify` step with its problem open."""

    county: object
    screening: object
    walk: CaseWalk

    @classmethod
    def build(cls, county):
        village = county.orgs["dongcheng_village"]
        # A dynamic round over the village alone: an annual one walks every organisation.
        round_case = rectification.open_round(
            actor=county.users["county_staff"],
            county=county.orgs["county"],
            kind=RoundKind.DYNAMIC,
            opened_on=OPENED,
            organisations=[village],
        )
        screening = ScreeningWalk(round_case, {village.pk: [W4_BY_TOWNSHIP]})
        screening.verify_all()
        (case,) = screening.decide()
        walk = CaseWalk(case)
        walk.until(stop_before="rectify")
        return cls(county, screening.screening, walk)

    @property
    def case(self):
        return self.walk.case

    @property
    def task(self):
        """`rectify`: the township's, reported done once every problem is closed."""
        return Task.objects.get(process_id=self.case.pk, status__in=OPEN)

    @property
    def problem(self):
        return self.walk.problems(ProblemState.OPEN).earliest("pk")

    @cached_property
    def reported(self):
        """The problem, reported rectified with its evidence: the township's to check."""
        return report(self.walk, self.problem)

    @property
    def document(self):
        """The evidence filed with the reported problem."""
        return self.reported.report


@dataclass
class Vetting:
    """A joint review of a batch for the village, before the county dispatches it."""

    county: object
    actors: object
    batch: object

    @classmethod
    def build(cls, county):
        u = county.users
        actors = vetting_scenario.Actors(
            township=u["dc_organiser"],
            county=u["county_staff"],
            branch=u["dc_branch_sec"],
            reviewers=add_departments(county).reviewers,
        )
        batch = vetting.submit_batch(
            actor=actors.township,
            village=county.orgs["dongcheng_village"],
            purpose=Purpose.ELECTION,
            candidates=[(county.people["member_a"], Post.SECRETARY)],
            submitted_on=date(2025, 6, 2),
            text="东村“两委”换届候选人初步人选。",
            today=TODAY,
        )
        return cls(county, actors, batch)

    @property
    def task(self):
        """The county's dispatch to the departments."""
        return self.batch.task_set.get(flow_task=JointReviewFlow.dispatch, status__in=OPEN)

    @cached_property
    def referral(self):
        """The discipline body's referral, once the county has dispatched the batch."""
        vetting_scenario.Walk(self.batch, self.actors, TODAY).step()
        return Referral.objects.get(
            batch_id=self.batch.pk, department__organisation=self.county.orgs["discipline"]
        )

    @cached_property
    def selection(self):
        """A selection the county decided, in its pre-appointment publicity."""
        case = vetting.propose_selection(
            actor=self.actors.county,
            committee=self.county.orgs["county"],
            person=self.county.people["dc_organiser"],
            post="东城镇党委副书记",
            unit=self.county.orgs["dongcheng"],
            proposed_on=date(2025, 9, 1),
            text="动议。",
            today=TODAY,
        )
        vetting_scenario.Walk(case, self.actors, TODAY).until(stop_before="close_publicity")
        return case

    @cached_property
    def objection(self):
        return vetting.raise_objection(
            actor=self.actors.county,
            case=self.selection,
            received_on=date(2025, 9, 30),
            text="反映该同志个人事项漏报。",
            today=TODAY,
        )


def import_job(county):
    """A dry run of the branch secretary's, queued (its task runs on commit, never here)."""
    user = county.users["dc_branch_sec"]
    kind = imports.kinds_for(user)[0]
    upload = SimpleUploadedFile(f"{kind}.xlsx", template_workbook(kind))
    return imports.start_import(actor=user, kind=kind, upload=upload)
