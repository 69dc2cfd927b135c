import pytest
from django.core.exceptions import ValidationError

from duluan.apps.intake.validators import PHONE_INVALID, validate_phone


@pytest.mark.parametrize(
    "phone",
    [
        "0912345678",
        "091 234 5678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "(0204) 3855 123",
        "02043855123",
    ],
)
def test_a_phone_number_as_people_write_it_is_accepted(phone):
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone", ["abc<script>", "0912abc678", "0912345678;", "113", "123456", "0912345678901234", "+", ""]
)
def test_what_cannot_be_dialled_is_refused_with_the_reason(phone):
    # given a phone field with letters, signs, or too few or too many digits
    with pytest.raises(ValidationError) as refused:
        validate_phone(phone)
    # then the citizen is told what a number looks like
    assert refused.value.messages == [str(PHONE_INVALID)]
