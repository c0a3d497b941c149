from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A login. What the user may do comes from the roles of the person linked
    to it (core.roles), never from Django groups."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
