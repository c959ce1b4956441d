from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from spotcheck.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", target=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", target=user)


# A failed login is not an entry of its own: anyone can fail a login, as often as they like, and
# must not be able to flood the trail. django-axes counts the failures; the lockout they lead to
# is one entry (spotcheck/accounts/lockouts.py).
