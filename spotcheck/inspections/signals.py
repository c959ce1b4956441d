"""What the inspections app tells the apps above it, without importing them.

``visit_complained`` is sent by ``visit_feedback_submit`` inside its transaction when the
enterprise's feedback carries a complaint, with ``actor`` (None: anonymous) and ``feedback``
(inspections.VisitFeedback): a receiver's writes (the replies app notifies the department's
reviewers, who answer it) commit or roll back with the complaint itself.
"""

from django.dispatch import Signal

visit_complained = Signal()
