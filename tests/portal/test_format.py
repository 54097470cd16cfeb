import pytest

from portal.templatetags.dvc_format import vnd


@pytest.mark.parametrize(
    ("amount", "text"),
    [(0, "0"), (800, "800"), (30000, "30.000"), (1250000, "1.250.000"), (-5000, "-5.000"), ("x", "")],
)
def test_vnd(amount, text):
    assert vnd(amount) == text
