"""Who did something: the signed-in staff member, or nobody (a resident, a command)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

# Services take `actor: Actor = None`; the audit log names the actor when there is one.
Actor = AbstractBaseUser | AnonymousUser | None
