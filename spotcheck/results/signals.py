"""What the results app announces to the apps above it (follow-ups, the risk history), which it
may not import. Sent inside the service's transaction, so a receiver's writes commit or roll
back with the change."""

from django.dispatch import Signal

# Sent by the confirmation service when a result becomes complete (two certified officers
# confirmed its current revision), and again when a confirmed result is corrected and confirmed
# anew. Arguments: ``visit_result`` (results.VisitResult), ``actor`` (the user who confirmed),
# ``corrected`` (True when a correction was confirmed).
result_confirmed = Signal()
