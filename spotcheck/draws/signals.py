"""What draws tells the apps above it, without importing them.

``task_cancelled`` is sent by ``task_cancel`` inside its transaction, after the task is marked
cancelled, with ``actor`` and ``task``: a receiver's writes (the inspections app dissolves the
merged visits of the task's visits) commit or roll back with the cancellation itself.
"""

from django.dispatch import Signal

task_cancelled = Signal()
