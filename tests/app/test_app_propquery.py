"""``-propquery`` parsing and matching (``sclient.app.providers``): which
queries keep the default provider's algorithms, and the error entries of
those that do not parse, as ``openssl s_client`` 3.0.19 shows them."""

from __future__ import annotations

import pytest

from sclient.app.providers import PROVIDER_PROPERTIES, match_count, parse_query

DEFAULT = PROVIDER_PROPERTIES["default"]


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("", True),
        ("provider=default", True),
        (" PROVIDER = DEFAULT ", True),
        ("provider='default'", True),
        ("provider='DEFAULT'", False),  # quoted values keep their case
        ("?fips=yes", True),
        ("fips=no", True),
        ("-fips", True),
        ("fips", False),
        ("fips=yes", False),
        ("fips!=no", False),
        ("x!=yes", True),
        ("provider=legacy", False),
        ("provider!=default", False),
        ("provider!=7", True),
        ("x=1", False),
        ("x!=1", False),
        ("?x=1", True),
        ("bad=", False),  # no value: matches only !=
        ("bad!=", True),
        ("a.b=c", False),
        ("provider=default,fips=no", True),
    ],
)
def test_match(query: str, matches: bool) -> None:
    clauses, errors = parse_query(query)
    assert errors == [] and clauses is not None
    assert (match_count(clauses, DEFAULT) >= 0) is matches


@pytest.mark.parametrize(
    ("query", "lines"),
    [
        ("@@", ["parse_name:not an identifier:67:HERE-->@@"]),
        ("a=1,", ["parse_name:not an identifier:67:HERE-->"]),
        (
            'x="y',
            [
                'parse_string:no matching string delimiter:209:HERE-->"y',
                'ossl_parse_query:trailing characters:455:HERE-->"y',
            ],
        ),
        (
            "x=1a",
            [
                "parse_number:not a decimal digit:116:HERE-->1a",
                "ossl_parse_query:trailing characters:455:HERE-->1a",
            ],
        ),
        (
            "x=+",
            [
                "parse_number:not a decimal digit:103:HERE-->",
                "ossl_parse_query:trailing characters:455:HERE-->+",
            ],
        ),
        (
            "x=0x1g",
            [
                "parse_hex:not an hexadecimal digit:153:HERE-->1g",
                "ossl_parse_query:trailing characters:455:HERE-->0x1g",
            ],
        ),
        (
            "x=0xg",
            [
                "parse_hex:not an hexadecimal digit:138:g",
                "ossl_parse_query:trailing characters:455:HERE-->0xg",
            ],
        ),
        (
            "x=09",
            [
                "parse_oct:not an octal digit:170:HERE-->9",
                "ossl_parse_query:trailing characters:455:HERE-->09",
            ],
        ),
        (
            "x=99999999999999999999",
            [
                "parse_number:parse failed:109:Property 99999999999999999999 overflows",
                "ossl_parse_query:trailing characters:455:HERE-->99999999999999999999",
            ],
        ),
        (
            "provider=default,provider=legacy",
            ["stack_to_property_list:parse failed:333:Duplicated name `provider'"],
        ),
        ("a" * 120, ["parse_name:name too long:88:HERE-->" + "a" * 120]),
    ],
)
def test_errors(query: str, lines: list[str]) -> None:
    clauses, errors = parse_query(query)
    assert clauses is None
    assert [f"{e.func}:{e.reason}:{e.line}:{e.data}" for e in errors] == lines
    assert all(e.library == "lib(55)" and e.code >> 12 == 0x1B800 for e in errors)
