"""合并检查: the strata that draw every object of the pool (so two departments' tasks draw the
same objects) and the pair of visits a merge is made of. The drawn tasks themselves are
fixtures (tests/fixtures/inspections.py)."""

from spotcheck.accounts.scope import scope_for
from spotcheck.draws.models import Visit
from spotcheck.inspections import selectors

ALL = [{"name": "全部", "ratio": "1"}]  # every object of the pool: both tasks draw the same 12


def pair(scjg_task, wsjk_task, index=0):
    """The two visits of the same object, 市场监管 first."""
    ours = Visit.objects.filter(task=scjg_task).order_by("public_id")[index]
    theirs = Visit.objects.get(task=wsjk_task, inspection_object=ours.inspection_object)
    return [ours, theirs]


def proposals_for(user, **kwargs):
    """The merge proposals ``user`` sees."""
    return list(selectors.merge_proposals(scope_for(user), **kwargs))
