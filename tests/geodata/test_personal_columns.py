"""Which columns look like personal data: IINs, people's names, phone numbers."""

import pytest

from geodata.personal_columns import column_warning
from rgis.personal import iin_invented


@pytest.mark.parametrize(
    ("name", "values", "code"),
    [
        ("DOC", [iin_invented(1), iin_invented(2), ""], "iin"),
        ("note", [f"ИИН {iin_invented(3)}, участок 5"], "iin"),
        ("remark", ["Иванов Иван Иванович", "Ким О. П."], "person_name"),
        ("contact", ["+7 701 234 56 78", "8 (7262) 43-21-00"], "phone"),
        ("contact", ["87012223344"], "phone"),
        ("OWNER", ["ТОО «Береке»"], "person_column"),
        ("ФИО", [None], "person_column"),
        ("Аты-жөні", [], "person_column"),
    ],
)
def test_personal_columns_are_flagged(name, values, code):
    warning = column_warning(name, values)
    assert warning is not None and warning.code == code


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("KAD_NOMER", ["06-097-001-001", "06-097-001-002"]),
        ("NAZVANIE", ["Жилая зона индивидуальной застройки"]),
        ("NAME", ["Парк Центральный", "Ж-1"]),
        ("AREA", [123456789012, 0.25]),  # twelve digits that are no IIN
        ("ZONA", ["Ж-1", "Р-2"]),
    ],
)
def test_ordinary_columns_are_not_flagged(name, values):
    assert column_warning(name, values) is None
