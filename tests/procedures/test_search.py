"""Search ignores Vietnamese diacritics and case (SQLite column, PostgreSQL unaccent + pg_trgm)."""

import pytest
from django.db import connection

from procedures.models import Procedure
from procedures.search import filter_procedures, like_contains, like_words, normalize
from procedures.selectors import procedures_public


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Đăng ký kết hôn", "dang ky ket hon"),
        ("ĐĂNG KÝ KẾT HÔN", "dang ky ket hon"),
        ("  đăng   ký\tkết hôn ", "dang ky ket hon"),
        ("Ủy ban nhân dân", "uy ban nhan dan"),
        ("Phường Dĩ An", "phuong di an"),
    ],
)
def test_normalize(raw, normal):
    assert normalize(raw) == normal


def _names(query):
    return sorted(filter_procedures(procedures_public(), query).values_list("name", flat=True))


def test_like_patterns_escape_the_wildcards_typed():
    assert like_contains("tran thi") == "%tran thi%"
    assert like_words("tran  thi binh") == "%tran%thi%binh%"  # the words in order, for a trigram index
    assert like_words("50%_x a\\b") == "%50\\%\\_x%a\\\\b%"  # what was typed, escaped


@pytest.mark.parametrize(
    "query",
    ["dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", "đăng ký kết hôn", "Dang Ky Ket Hon", "ket hon", "KẾT   hôn", "1.001193"],
)
def test_marks_and_case_do_not_matter(catalogue, query):
    assert _names(query) == ["Đăng ký kết hôn"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang ky", ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký thành lập doanh nghiệp tư nhân"]),
        ("doanh nghiep", ["Đăng ký thành lập doanh nghiệp tư nhân"]),
        ("Đ", ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký thành lập doanh nghiệp tư nhân"]),
        ("chung thuc ban sao", ["Chứng thực bản sao từ bản chính"]),
        ("2.000908", ["Chứng thực bản sao từ bản chính"]),
        ("1.004227.000.20.01.h12", ["Đăng ký thành lập doanh nghiệp tư nhân"]),  # local code
        ("khai sinh hôn", []),  # every term must match
        ("100%", []),
        ("khong co thu tuc nay", []),
    ],
)
def test_search_cases(catalogue, query, expected):
    assert _names(query) == expected


def test_drafts_are_never_found(catalogue):
    assert _names("dat dai") == []
    assert Procedure.objects.filter(name__contains="nháp").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: index check (CI runs on PostgreSQL)")
def test_postgres_uses_the_trigram_index(catalogue):
    from django.db import connection as conn

    qs = filter_procedures(Procedure.objects.all(), "ket hon")
    sql, params = qs.query.sql_with_params()
    with conn.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "procedure_search_trgm" in plan, plan
