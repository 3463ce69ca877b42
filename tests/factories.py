import factory
from django.apps import apps
from django.contrib.auth.models import Group, User

from staff.roles import roles_sync


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
            if not Group.objects.filter(name=extracted).exists():
                # The groups come from a data migration; a transactional test's flush
                # removed them: make them again with the migration's own function.
                roles_sync(apps)
            self.groups.add(Group.objects.get(name=extracted))


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "parcels.Settlement"
        django_get_or_create = ("slug",)

    slug = "taraz"
    name_kk = "Тараз"
    name_ru = "Тараз"
    name_en = "Taraz"


class QueueFactory(factory.django.DjangoModelFactory):
    """A queue of Taraz for individual housing (the purposes come from a migration)."""

    class Meta:
        model = "queues.Queue"
        django_get_or_create = ("slug",)

    slug = "taraz-izhs"
    settlement = factory.SubFactory(SettlementFactory)
    purpose = factory.LazyFunction(
        lambda: apps.get_model("parcels", "LandPurpose").objects.get_or_create(
            code="izhs",
            defaults={"name_kk": "ЖТҮҚ", "name_ru": "ИЖС", "name_en": "Individual housing"},
        )[0]
    )
