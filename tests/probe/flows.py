"""A minimal procedure for testing the shared pieces: a branch starts a case,
the township reviews it."""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from core.flowkit.flows import CaseFlow
from core.flowkit.nodes import ScopedView


class ProbeFlow(CaseFlow):
    start = flow.StartHandle(this.start_case).Next(this.review)
    review = (
        ScopedView(UpdateProcessView.as_view())
        .Permission("organisations.review_for_township")
        .Next(this.end)
    )
    end = flow.End()
