"""sclient.base.structs behaves as ``@dataclass`` does for what sclient uses."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import pytest

from sclient.base.structs import FrozenInstanceError, field, fields, make_struct, replace, struct


@struct(frozen=True, slots=True)
class Point:
    KIND: ClassVar[str] = "point"
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list, compare=False, repr=False)


@struct(frozen=True, slots=True)
class Point3(Point):
    z: int = 0


@struct(slots=True)
class Counter:
    n: int = 0


@struct(frozen=True, slots=True, kw_only=True)
class Options:
    a: int
    b: str = "x"


@dataclasses.dataclass(frozen=True)
class Reference:
    x: int
    y: int = 0
    tags: list[str] = dataclasses.field(default_factory=list, compare=False, repr=False)


def test_init_repr_eq_hash_like_dataclass() -> None:
    p = Point(1, 2, ["t"])
    r = Reference(1, 2, ["t"])
    assert repr(p) == repr(r).replace("Reference", "Point")
    assert p == Point(1, 2) and p != Point(2, 2)  # tags do not compare
    assert hash(p) == hash(Point(1, 2))
    assert Point(1) == Point(x=1, y=0)
    assert Point(1).tags == [] and Point(1).tags is not Point(1).tags
    assert p != (1, 2)
    assert Point.KIND == "point" and [f.name for f in fields(Point)] == ["x", "y", "tags"]
    assert Point.__match_args__ == ("x", "y", "tags")


def test_frozen_slots_and_mutable() -> None:
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.y  # type: ignore[misc]
    assert not hasattr(p, "__dict__")
    c = Counter()
    c.n += 1
    assert c.n == 1
    assert Counter.__hash__ is None  # mutable and eq: unhashable, as dataclass


def test_inheritance_and_replace() -> None:
    q = Point3(1, 2, z=3)
    assert (q.x, q.y, q.z) == (1, 2, 3)
    assert repr(q) == "Point3(x=1, y=2, z=3)"
    assert replace(q, y=5) == Point3(1, 5, z=3)
    assert q != Point(1, 2)  # another class never compares equal


def test_kw_only() -> None:
    assert Options(a=1).b == "x"
    with pytest.raises(TypeError):
        Options(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing required argument(s): 'x'"),
        ((1, 2, [], 4), {}, "takes 4 positional arguments but 5 were given"),
        ((1,), {"x": 2}, "multiple values for argument 'x'"),
        ((1,), {"w": 2}, "unexpected keyword argument 'w'"),
    ],
)
def test_bad_arguments(args: tuple[object, ...], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Point(*args, **kwargs)  # type: ignore[arg-type]


def test_definition_errors() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b'"):

        @struct
        class Bad:
            a: int = 0
            b: int

    with pytest.raises(ValueError):
        field(default=1, default_factory=list)  # type: ignore[call-overload]


def test_make_struct_and_post_init() -> None:
    seen: list[int] = []

    def post(self: object) -> None:
        seen.append(1)

    cls = make_struct(
        "Made",
        [("a", "int", 1), ("b", "list[str]", field(default_factory=list))],
        namespace={"__post_init__": post},
        slots=True,
    )
    m = cls()
    assert (m.a, m.b, seen) == (1, [], [1])
    m.a = 5
    assert m == cls(5)
