import factory
from allauth.account.models import EmailAddress

from onestop.models import Role, StaffRole
from portal.models import User
from procedures.models import Agency, AgencyKind

PASSWORD = "Mat-khau-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"nguoidung{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.00.{n:02d}.T99")
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = AgencyKind.DEPARTMENT


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.RECEPTIONIST
