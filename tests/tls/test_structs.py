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


def _fresh_classes() -> list[tuple[type, list[tuple[tuple[object, ...], dict[str, object]]]]]:
    """Struct classes of every kind, each with valid and invalid calls."""
    seen: list[object] = []

    @struct(frozen=True, slots=True)
    class P:
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list, compare=False)

    @struct(frozen=True, slots=True)
    class Q(P):
        z: int = 0

        def __post_init__(self) -> None:
            seen.append(self.z)

    @struct(frozen=True, slots=True, kw_only=True)
    class K:
        a: int
        b: str = "x"
        c: list[int] = field(default_factory=list)

    @struct
    class D:  # neither frozen nor slotted: a __dict__ class
        m: int
        n: int = 5

    calls: list[tuple[tuple[object, ...], dict[str, object]]] = [
        ((), {}),
        ((1,), {}),
        ((1, 2), {}),
        ((1, 2, ["t"]), {}),
        ((1,), {"y": 3}),
        ((), {"x": 1, "tags": ["u"]}),
        ((1, 2, [], 4), {}),
        ((1, 2, [], 4, 5), {}),
        ((1,), {"x": 2}),
        ((1,), {"w": 2}),
        ((), {"y": 2}),
        ((), {"z": 9, "x": 1}),
        ((), {"a": 1}),
        ((), {"a": 1, "b": "y", "c": [2]}),
        ((1,), {"a": 1}),
        ((), {"b": "y"}),
        ((1, 2), {"n": 1}),
        ((), {"m": 1}),
    ]
    return [(P, calls), (Q, calls), (K, calls), (D, calls)]


def _outcome(cls: type, args: tuple[object, ...], kwargs: dict[str, object]) -> tuple[str, str]:
    try:
        obj = cls(*args, **kwargs)
    except TypeError as e:
        return "TypeError", str(e)
    state = tuple(getattr(obj, f.name) for f in fields(obj))
    try:
        hashed: object = hash(obj)
    except TypeError as e:
        hashed = str(e)
    return "ok", repr((obj, state, hashed, obj == cls(*args, **kwargs)))


def test_compiled_init_behaves_as_the_generic_one() -> None:
    from sclient.base import structs

    for cls, calls in _fresh_classes():
        generic = cls.__init__
        assert getattr(generic, "__struct_state__", None) is not None
        before = [_outcome(cls, a, k) for a, k in calls]
        structs._install_compiled(
            cls, cls.__name__, list(fields(cls)), hasattr(cls, "__post_init__")
        )
        assert cls.__init__ is not generic, cls
        after = [_outcome(cls, a, k) for a, k in calls]
        assert after == before, cls
        assert any(o == "ok" for o, _ in after) and any(o == "TypeError" for o, _ in after)


def test_compiled_init_keeps_frozen_and_factories_fresh() -> None:
    from sclient.base import structs

    cls, _ = _fresh_classes()[0]
    structs._install_compiled(cls, cls.__name__, list(fields(cls)), False)
    a, b = cls(1), cls(1)
    assert a.tags == [] and a.tags is not b.tags
    with pytest.raises(FrozenInstanceError):
        a.x = 2
    assert not hasattr(a, "__dict__")


def test_init_is_compiled_after_a_number_of_instances_only() -> None:
    from sclient.base import structs

    cls, _ = _fresh_classes()[0]
    generic = cls.__init__
    for _ in range(structs.COMPILE_AFTER - 1):
        cls(1)
    assert cls.__init__ is generic  # a class made a few times never pays the compile
    cls(1)
    assert cls.__init__ is not generic
    assert cls(1, 2) == cls(1, 2, ["x"]) and cls.__init__.__qualname__.endswith("P.__init__")


@pytest.mark.parametrize("odd", ["_args", "_d0", "_s_1", "lambda", "self"])
def test_fields_that_cannot_be_parameters_keep_the_generic_init(odd: str) -> None:
    """A field named as the compiled source's own helpers, or a keyword."""
    from sclient.base import structs

    made = make_struct("Odd", [(odd, "int", 1), ("x", "int", 2)], slots=True)
    generic = made.__init__
    structs._install_compiled(made, "Odd", list(fields(made)), False)
    assert made.__init__ is generic and getattr(made(x=3), odd) == 1


def test_a_private_field_compiles() -> None:
    from sclient.base import structs

    made = make_struct("Private", [("_hidden", "int", 1), ("x", "int", 2)], slots=True)
    generic = made.__init__
    structs._install_compiled(made, "Private", list(fields(made)), False)
    assert made.__init__ is not generic
    assert made(x=3)._hidden == 1 and made(5, 6)._hidden == 5
    with pytest.raises(TypeError, match="unexpected keyword argument 'y'"):
        made(y=1)


def _replace_by_init(obj: object, **changes: object) -> object:
    """``replace`` as it was: every field through the class's ``__init__``."""
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    values.update(changes)
    return obj.__class__(**values)


def test_replace_sets_the_fields_as_init_would() -> None:
    from sclient.base import structs

    for cls, _ in _fresh_classes():
        obj = cls(1) if cls.__name__ != "K" else cls(a=1)
        name = fields(cls)[0].name
        for compiled in (False, True):
            if compiled:
                structs._install_compiled(cls, cls.__name__, list(fields(cls)), False)
            for changes in ({}, {name: 7}):
                got, want = replace(obj, **changes), _replace_by_init(obj, **changes)
                assert type(got) is type(want) and got == want and repr(got) == repr(want)
                assert all(
                    getattr(got, f.name) is getattr(want, f.name) for f in fields(cls)
                )  # values copied, not rebuilt by a default factory
            with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
                replace(obj, nope=1)
    p = Point(1, 2, ["t"])
    assert replace(p, y=3).tags is p.tags


def test_replace_runs_post_init() -> None:
    seen: list[int] = []

    @struct(frozen=True, slots=True)
    class Checked:
        v: int

        def __post_init__(self) -> None:
            seen.append(self.v)

    replace(Checked(1), v=2)
    assert seen == [1, 2]


def test_compiled_replace_copies_as_the_generic_one() -> None:
    from sclient.base import structs

    for cls, _ in _fresh_classes():
        if hasattr(cls, "__post_init__"):
            continue
        obj = cls(1) if cls.__name__ != "K" else cls(a=1)
        name = fields(cls)[0].name
        structs._REPLACERS.pop(cls, None)
        structs._REPLACE_COUNTS.pop(cls, None)
        seen = []
        for i in range(structs.REPLACE_COMPILE_AFTER + 2):
            compiled = cls in structs._REPLACERS
            for changes in ({}, {name: i}):
                got, want = replace(obj, **changes), _replace_by_init(obj, **changes)
                assert type(got) is type(want) and got == want and repr(got) == repr(want)
                assert all(getattr(got, f.name) is getattr(want, f.name) for f in fields(cls))
            with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
                replace(obj, nope=1)
            seen.append(compiled)
        assert seen[0] is False and seen[-1] is True, cls  # compiled after a number of copies


def test_replace_of_fields_that_cannot_be_parameters() -> None:
    from sclient.base import structs

    made = make_struct("Odd2", [("_hidden", "int", 1), ("x", "int", 2)], slots=True)
    obj = made()
    for i in range(structs.REPLACE_COMPILE_AFTER + 2):
        assert replace(obj, x=i) == made(1, i) and replace(obj, _hidden=i)._hidden == i
    assert made in structs._REPLACERS


def test_struct_base_class_makes_the_class_once() -> None:
    from sclient.base.structs import Struct

    made: list[str] = []

    class Counted(Struct):
        __slots__ = ()

        def __init_subclass__(cls) -> None:
            made.append(cls.__name__)

    class Pt(Counted, frozen=True, slots=True):
        x: int
        tags: list[str] = field(default_factory=list)

    class Pt3(Pt, frozen=True, slots=True):
        z: int = 0

    assert made == ["Pt", "Pt3"]  # one class each: __init_subclass__ ran once
    p = Pt3(1, ["a"], 3)
    assert (
        repr(p) == "test_struct_base_class_makes_the_class_once.<locals>.Pt3(x=1, tags=['a'], z=3)"
    )
    assert Pt3.__match_args__ == ("x", "tags", "z") and Pt3.__slots__ == ("z",)
    assert not hasattr(p, "__dict__") and p == Pt3(1, ["a"], 3)
    assert Pt(1).tags == [] and Pt(1).tags is not Pt(1).tags
    with pytest.raises(FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    assert replace(p, z=5).z == 5 and [f.name for f in fields(Pt3)] == ["x", "tags", "z"]

    class Plain(Pt):  # no flag: an ordinary subclass, as of a decorated class
        pass

    assert fields(Plain) == fields(Pt) and Plain(2).x == 2
    with pytest.raises(TypeError, match="unknown struct flag"):

        class Bad(Struct, ordered=True):
            pass


def test_a_private_field_is_copied_by_the_compiled_replace() -> None:
    from sclient.base import structs

    made = make_struct("Kept", [("_seen", "dict", None), ("x", "int", 0)], slots=True)
    obj = made(_seen={"a": 1}, x=1)
    copies = [replace(obj, x=i) for i in range(structs.REPLACE_COMPILE_AFTER + 2)]
    assert made in structs._REPLACERS  # the last copies were made by the compiled one
    assert all(c._seen is obj._seen for c in copies) and copies[-1].x == len(copies) - 1
