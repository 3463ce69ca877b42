import factory
from django.contrib.auth.models import Group, User


class StaffUserFactory(factory.django.DjangoModelFactory):
    """A staff account; pass `role="planner"` (etc.) to put it in that role's group."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
