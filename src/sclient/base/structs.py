"""Record classes: what ``@dataclass`` gives sclient, without its start-up cost.

The standard decorator writes ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``
and the frozen ``__setattr__`` as source text and ``exec``s each one, and with
``slots=True`` builds the class a second time: 0.3-0.8 ms a class.  sclient has
some 140 such classes (messages, extensions, events, states, options), which
made the decorator the largest single part of a run's start-up.  :func:`struct`
gives the same classes (typed the same way through ``dataclass_transform``)
from shared, generic methods: a class costs tens of microseconds.

A class with ``slots`` is better written as a :class:`Struct` subclass,
``class Point(Struct, frozen=True, slots=True)``: the metaclass sees the class
statement's namespace and makes the class once, with its ``__slots__``, where
the decorator, given a finished class, must make a second one.

Supported: ``frozen``, ``slots``, ``kw_only``; ``field(default=...,
default_factory=..., compare=..., repr=...)``; inheritance from other structs;
``__post_init__``; ``ClassVar`` annotations are not fields.  :func:`replace`,
:func:`fields` and :func:`make_struct` stand in for their ``dataclasses``
namesakes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from keyword import iskeyword
from typing import Any, TypeVar, dataclass_transform, overload

__all__ = [
    "Field",
    "FrozenInstanceError",
    "Struct",
    "StructMeta",
    "field",
    "fields",
    "make_struct",
    "replace",
    "struct",
]

T = TypeVar("T")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen struct."""


class Field:
    """One field: its name, default or default factory, and flags."""

    __slots__ = ("compare", "default", "default_factory", "kw_only", "name", "repr")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        compare: bool = True,
        repr: bool = True,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr
        self.kw_only = False

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


@overload
def field(*, default: T, compare: bool = ..., repr: bool = ...) -> T: ...
@overload
def field(*, default_factory: Callable[[], T], compare: bool = ..., repr: bool = ...) -> T: ...
@overload
def field(*, compare: bool = ..., repr: bool = ...) -> Any: ...
def field(
    *,
    default: Any = MISSING,
    default_factory: Any = MISSING,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field with options, as ``dataclasses.field``."""
    return Field(default, default_factory, compare, repr)


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return "ClassVar" in annotation and annotation.startswith(_CLASSVAR)
    return getattr(annotation, "__origin__", None) is not None and "ClassVar" in repr(annotation)


_CLASSVAR = ("ClassVar", "typing.ClassVar", "t.ClassVar")


def _collect(cls: type, kw_only: bool) -> tuple[list[Field], list[Field]]:
    """All of ``cls``'s fields (inherited ones first) and its own."""
    own = _own_fields(cls.__dict__, kw_only)
    return _inherited(cls.__mro__[1:], own), own


_new_field = object.__new__


def _own_fields(namespace: Mapping[str, Any], kw_only: bool) -> list[Field]:
    """The fields a class statement's annotations declare, in order (a
    ``ClassVar`` is none); a plain value is the field's default."""
    own: list[Field] = []
    annotations = namespace.get("__annotations__")
    if not annotations:
        return own
    new = _new_field
    for name, annotation in annotations.items():
        if annotation.__class__ is str:
            if "ClassVar" in annotation and annotation.startswith(_CLASSVAR):
                continue
        elif _is_classvar(annotation):
            continue
        value = namespace.get(name, MISSING)
        if isinstance(value, Field):
            f = value
        else:
            # Field(default=value), without the call's argument handling
            f = new(Field)
            f.default = value
            f.default_factory = MISSING
            f.compare = True
            f.repr = True
        f.name = name
        f.kw_only = kw_only
        own.append(f)
    return own


def _has_default(f: Field) -> bool:
    return f.default is not MISSING or f.default_factory is not MISSING


#: A class whose generic ``__init__`` has run this many times gets one compiled
#: for its fields (:func:`_compile_init`): compiling costs ~60 us a class, so
#: classes made only a few times (most of them, in a short run) never pay it.
COMPILE_AFTER = 256


def compile_sooner(after: int = 4) -> None:
    """Compile each class's ``__init__`` once it has been called ``after``
    times: for a process that makes many connections (``-targets``), whose
    classes are each made a few times a connection."""
    global COMPILE_AFTER
    COMPILE_AFTER = after


def _make_init(cls_name: str, all_fields: list[Field], post_init: bool) -> Callable[..., None]:
    """The generic ``__init__`` of a class: one closure, whose plan of the
    fields (:class:`_Plan`) is made on its first call: most classes of a short
    run are made a few times, many of them never."""
    #: [calls so far, the class (set once it exists), the plan (first call)]
    state: list[Any] = [0, None, None]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        plan: _Plan = state[2] or _plan(state, all_fields)
        state[0] += 1
        if state[0] >= COMPILE_AFTER and state[1] is not None:
            cls, state[1] = state[1], None  # compiled once, or never if it cannot be
            _install_compiled(cls, cls_name, all_fields, post_init)
        if len(args) == plan.n_all and not kwargs:
            for name, value in zip(plan.order, args, strict=True):
                _setattr(self, name, value)
        else:
            _init_other(cls_name, plan, self, args, kwargs)
        if post_init:
            self.__post_init__()

    __init__.__struct_state__ = state  # type: ignore[attr-defined]
    return __init__


_setattr = object.__setattr__


class _Plan:
    """What the generic ``__init__`` needs of a class's fields."""

    __slots__ = ("defaults", "factories", "n_all", "n_pos", "order", "positional", "rest_cache")

    def __init__(self, all_fields: list[Field]) -> None:
        self.positional = positional = tuple([f.name for f in all_fields if not f.kw_only])
        self.defaults = {f.name: f.default for f in all_fields if f.default is not MISSING}
        self.factories = {
            f.name: f.default_factory for f in all_fields if f.default_factory is not MISSING
        }
        self.n_pos = len(positional)
        self.n_all = len(all_fields) if len(positional) == len(all_fields) else -1
        self.order = tuple([f.name for f in all_fields])
        # rest_for(n): the fields not given by n positional arguments, in order
        # (made on first use: a class of 200 fields would otherwise pay n^2 at import).
        self.rest_cache: dict[int, tuple[str, ...]] = {}

    def rest_for(self, n: int) -> tuple[str, ...]:
        found = self.rest_cache.get(n)
        if found is None:
            given = set(self.positional[:n])
            found = self.rest_cache[n] = tuple([x for x in self.order if x not in given])
        return found


def _plan(state: list[Any], all_fields: list[Field]) -> _Plan:
    plan = state[2] = _Plan(all_fields)
    return plan


def _init_other(
    cls_name: str, plan: _Plan, self: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """The generic ``__init__`` given keywords, or fewer positional arguments
    than fields: defaults and factories fill the rest."""
    n = len(args)
    if n > plan.n_pos:
        raise TypeError(
            f"{cls_name}.__init__() takes {plan.n_pos + 1} positional arguments "
            f"but {n + 1} were given"
        )
    for name, value in zip(plan.positional, args, strict=False):
        _setattr(self, name, value)
    used = 0
    defaults = plan.defaults
    factories = plan.factories
    for name in plan.rest_for(n):
        if name in kwargs:
            _setattr(self, name, kwargs[name])
            used += 1
        elif name in defaults:
            _setattr(self, name, defaults[name])
        elif name in factories:
            _setattr(self, name, factories[name]())
        else:
            _fail(cls_name, plan, n, kwargs)
            missing = [
                x
                for x in plan.rest_for(n)
                if x not in kwargs and x not in defaults and x not in factories
            ]
            raise TypeError(
                f"{cls_name}.__init__() missing required argument(s): "
                + ", ".join(repr(m) for m in missing)
            )
    if used != len(kwargs):
        _fail(cls_name, plan, n, kwargs)


def _fail(cls_name: str, plan: _Plan, n: int, kwargs: dict[str, Any]) -> None:
    for name in kwargs:
        if name in plan.positional[:n]:
            raise TypeError(f"{cls_name}.__init__() got multiple values for argument {name!r}")
        if name not in plan.order:
            raise TypeError(f"{cls_name}.__init__() got an unexpected keyword argument {name!r}")


def _install_compiled(cls: type, cls_name: str, all_fields: list[Field], post_init: bool) -> None:
    """Replace ``cls``'s generic ``__init__`` by one compiled for its fields."""
    try:
        init = _compile_init(cls, cls_name, all_fields, post_init)
    except ValueError:
        return
    # Python names the function in the errors it raises itself (multiple
    # values for an argument): the class's name, as the generic one says.
    init.__qualname__ = f"{cls_name}.__init__"
    type.__setattr__(cls, "__init__", init)


def _helper_name(name: str) -> bool:
    """Whether ``name`` is one :func:`_compile_init`'s source uses itself."""
    return (
        iskeyword(name)
        or name in ("self", "_M", "_TypeError", "_setattr", "_args", "_kwargs", "_bad")
        or (name[:2] in ("_d", "_f") and name[2:].isdigit())
        or (name.startswith("_s_") and name[3:].isdigit())
    )


def _compile_init(
    cls: type, cls_name: str, all_fields: list[Field], post_init: bool
) -> Callable[..., None]:
    """An ``__init__`` for ``cls``'s fields as Python source, the same in effect
    and in its errors as the generic one (each field set past a frozen class's
    ``__setattr__``, through its slot when it has one).

    Parameters have the fields' names, so a field whose name is not an
    identifier (or clashes with the helpers') keeps the generic ``__init__``."""
    names = [f.name for f in all_fields]
    if not all(n.isidentifier() and not _helper_name(n) for n in names):
        raise ValueError("field names not usable as parameters")
    g: dict[str, Any] = {
        "_M": MISSING,
        "_TypeError": TypeError,
        "_setattr": object.__setattr__,
    }
    params = ["self"]
    kw_params: list[str] = []
    body: list[str] = []
    required: list[str] = []
    n_pos = 0
    for i, f in enumerate(all_fields):
        name = f.name
        if f.default is not MISSING:
            g[f"_d{i}"] = f.default
            spec = f"{name}=_d{i}"
        elif f.default_factory is not MISSING:
            g[f"_f{i}"] = f.default_factory
            spec = f"{name}=_M"
            body.append(f"    if {name} is _M:\n        {name} = _f{i}()")
        else:
            spec = f"{name}=_M"
            required.append(name)
        (kw_params if f.kw_only else params).append(spec)
        n_pos += not f.kw_only
    sets: list[str] = []
    for i, name in enumerate(names):
        slot: Any = getattr(cls, name, None)
        if type(slot).__name__ == "member_descriptor" and getattr(slot, "__name__", None) == name:
            g[f"_s_{i}"] = slot.__set__
            sets.append(f"    _s_{i}(self, {name})")
        else:
            sets.append(f"    _setattr(self, {name!r}, {name})")
    signature = ", ".join([*params, "*_args", *kw_params, "**_kwargs"])
    lines = [f"def __init__({signature}):"]
    check = " or ".join([*(f"{n} is _M" for n in required), "_args", "_kwargs"])
    lines.append(f"    if {check}:")
    lines.append(f"        _bad(_args, _kwargs, {', '.join([*required, ''])})")
    lines.extend(body)
    lines.extend(sets)
    if post_init:
        lines.append("    self.__post_init__()")

    def _bad(args: tuple[Any, ...], kwargs: dict[str, Any], *given: Any) -> None:
        if args:
            raise TypeError(
                f"{cls_name}.__init__() takes {n_pos + 1} positional arguments "
                f"but {n_pos + len(args) + 1} were given"
            )
        for name in kwargs:
            raise TypeError(f"{cls_name}.__init__() got an unexpected keyword argument {name!r}")
        missing = [n for n, v in zip(required, given, strict=True) if v is MISSING]
        raise TypeError(
            f"{cls_name}.__init__() missing required argument(s): "
            + ", ".join(repr(m) for m in missing)
        )

    g["_bad"] = _bad
    exec("\n".join(lines) + "\n", g)  # not compile(): see _named
    init: Callable[..., None] = g["__init__"]
    _named(init, f"<struct {cls_name}.__init__>")
    # replace() knows this module's __init__s by their state
    init.__struct_state__ = getattr(cls.__dict__.get("__init__"), "__struct_state__", [0, cls])  # type: ignore[attr-defined]
    return init


def _named(fn: Any, filename: str) -> None:
    """Give ``fn``, made by ``exec`` of a string, the file name its tracebacks
    show.  (``compile()`` would take the name, but a run's first ``compile()``
    sets up the ``ast`` module's types, some 10 M instructions; ``exec`` of a
    string does not.)"""
    fn.__code__ = fn.__code__.replace(co_filename=filename)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _struct_repr(self: Any) -> str:
    inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__struct_shown__)
    return f"{self.__struct_qualname__}({inner})"


def _struct_eq(self: Any, other: Any) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented  # type: ignore[no-any-return]
    return all(getattr(self, n) == getattr(other, n) for n in self.__struct_compared__)


def _struct_hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in self.__struct_compared__))


#: The methods :func:`_build` may give a class, unless the class has its own.
_OWN_FIRST = ("__repr__", "__eq__", "__init__", "__hash__")


def _build(cls: type, frozen: bool, slots: bool, kw_only: bool) -> type:
    """The struct class for ``cls``.  ``__repr__``, ``__eq__`` and ``__hash__``
    are shared functions reading the fields they show and compare from the
    class (``__struct_shown__``, ``__struct_compared__``), so that a class costs
    one new function (its ``__init__``) and, with ``slots``, one more class (a
    :class:`Struct` subclass is made once)."""
    if slots:
        ns = dict(cls.__dict__)
        ns.pop("__dict__", None)
        ns.pop("__weakref__", None)
        return _make_class(type(cls), cls.__name__, cls.__bases__, ns, frozen, slots, kw_only)
    all_fields, own_fields = _collect(cls, kw_only)
    own = cls.__dict__
    methods = _methods(
        cls.__name__, cls.__qualname__, own, all_fields, hasattr(cls, "__post_init__"), frozen
    )
    for f in own_fields:
        value = own.get(f.name)
        if isinstance(value, Field):
            if value.default is MISSING:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, value.default)
    for name, method in methods.items():
        setattr(cls, name, method)
    _finish(cls, all_fields, methods)
    return cls


def _methods(
    name: str,
    qualname: str,
    own: Mapping[str, Any],
    all_fields: list[Field],
    post_init: bool,
    frozen: bool,
) -> dict[str, Any]:
    """The methods a struct class is given, unless it has its own."""
    init = _make_init(name, all_fields, post_init)
    init.__qualname__ = qualname + ".__init__"
    methods: dict[str, Any] = {
        "__init__": init,
        "__repr__": _struct_repr,
        "__eq__": _struct_eq,
        "__struct_qualname__": qualname,
    }
    if frozen:
        methods.update(_FROZEN_METHODS)
    elif own.get("__hash__") is None:
        methods["__hash__"] = None
    for key in _OWN_FIRST:
        if own.get(key):
            methods.pop(key, None)
    return methods


def _field_names(all_fields: list[Field]) -> dict[str, tuple[Any, ...]]:
    """The class attributes naming a struct's fields (``all_fields``, in order)."""
    shown: list[str] = []
    compared: list[str] = []
    positional: list[str] = []
    seen_default = False
    for f in all_fields:
        name = f.name
        if f.repr:
            shown.append(name)
        if f.compare:
            compared.append(name)
        if f.kw_only:
            continue
        positional.append(name)
        if f.default is not MISSING or f.default_factory is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {name!r} follows default argument")
    return {
        "__struct_fields__": tuple(all_fields),
        "__struct_shown__": tuple(shown),
        "__struct_compared__": tuple(compared),
        "__match_args__": tuple(positional),
    }


def _finish(cls: type, all_fields: list[Field], methods: dict[str, Any]) -> None:
    """Give ``cls`` the attributes naming its fields and tell its generic
    ``__init__`` the class."""
    for name, value in _field_names(all_fields).items():
        type.__setattr__(cls, name, value)
    _own(cls, methods)


def _own(cls: type, methods: dict[str, Any]) -> None:
    init = methods.get("__init__")
    if init is not None:
        # the generic __init__ learns its class (for _install_compiled)
        init.__struct_state__[1] = cls


def _inherited(mro: tuple[type, ...], own: list[Field]) -> list[Field]:
    """The fields of a class whose bases are ``mro`` (nearest first), then ``own``."""
    inherited: dict[str, Field] = {}
    for base in mro[::-1]:
        found = base.__dict__.get("__struct_fields__")
        if found:
            for f in found:
                inherited[f.name] = f
    if not inherited:
        return own
    for f in own:
        inherited.pop(f.name, None)
    return [*inherited.values(), *own]


def _make_class(
    make: Callable[..., type],
    name: str,
    bases: tuple[type, ...],
    ns: dict[str, Any],
    frozen: bool,
    slots: bool,
    kw_only: bool,
) -> type:
    """A struct class made once, by ``make(name, bases, ns)``, from the
    namespace of its class statement (``ns``, changed in place)."""
    own = _own_fields(ns, kw_only)
    if slots:
        own_names = tuple([f.name for f in own])
        for fname in own_names:
            ns.pop(fname, None)
        ns["__slots__"] = own_names
    else:
        for f in own:
            value = ns.get(f.name)
            if isinstance(value, Field):
                if value.default is MISSING:
                    del ns[f.name]
                else:
                    ns[f.name] = value.default
    # The fields, when one base gives the MRO or no base has fields (a plain
    # base beside Struct, the usual case); else once the class exists (the
    # generic __init__ reads the list on its first call).
    post_init = "__post_init__" in ns
    if len(bases) == 1:
        all_fields = _inherited(bases[0].__mro__, own)
        known = True
        post_init = post_init or _base_info(bases[0])[1]
    else:
        known = True
        for base in bases:
            has_fields, has_post_init = _base_info(base)
            known = known and not has_fields
            post_init = post_init or has_post_init
        all_fields = own if known else []
    methods = _methods(name, ns.get("__qualname__", name), ns, all_fields, post_init, frozen)
    ns.update(methods)
    if known:
        ns.update(_field_names(all_fields))
        cls = make(name, bases, ns)
        _own(cls, methods)
    else:
        cls = make(name, bases, ns)
        all_fields.extend(_inherited(cls.__mro__[1:], own))
        _finish(cls, all_fields, methods)
    return cls


#: base class -> (whether its MRO holds struct fields, whether it has a
#: ``__post_init__``), looked up in the classes' dictionaries (a failed
#: hasattr() on a class makes and discards an AttributeError) once a base.
_BASES: dict[type, tuple[bool, bool]] = {}


def _base_info(base: type) -> tuple[bool, bool]:
    info = _BASES.get(base)
    if info is None:
        mro = base.__mro__
        info = _BASES[base] = (
            any(b.__dict__.get("__struct_fields__") for b in mro),
            any("__post_init__" in b.__dict__ for b in mro),
        )
    return info


_FROZEN_METHODS: dict[str, Any] = {
    "__setattr__": _frozen_setattr,
    "__delattr__": _frozen_delattr,
    "__hash__": _struct_hash,
}


@dataclass_transform(field_specifiers=(field, Field))
class StructMeta(type):
    """The metaclass of :class:`Struct`: a subclass given any of the flags
    ``frozen``, ``slots``, ``kw_only`` is made a record class as :func:`struct`
    would make it, in one class creation (the decorator, given a class, makes
    a second one for ``__slots__``).  A subclass given no flag is an ordinary
    subclass."""

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        ns: dict[str, Any],
        **flags: bool,
    ) -> StructMeta:
        if not flags:
            return super().__new__(mcs, name, bases, ns)
        if not _FLAGS.issuperset(flags):
            unknown = sorted(flags.keys() - _FLAGS)
            raise TypeError(f"unknown struct flag(s): {', '.join(unknown)}")
        made = _make_class(
            lambda n, b, d: type.__new__(mcs, n, b, d),
            name,
            bases,
            ns,
            flags.get("frozen", False),
            flags.get("slots", False),
            flags.get("kw_only", False),
        )
        assert isinstance(made, StructMeta)
        return made


_FLAGS = frozenset(("frozen", "slots", "kw_only"))


class Struct(metaclass=StructMeta):
    """Base of record classes made once: ``class Point(Struct, frozen=True,
    slots=True)`` is ``@struct(frozen=True, slots=True) class Point``."""

    __slots__ = ()


@overload
def struct(cls: type[T], /) -> type[T]: ...
@overload
def struct(
    *, frozen: bool = ..., slots: bool = ..., kw_only: bool = ...
) -> Callable[[type[T]], type[T]]: ...
@dataclass_transform(field_specifiers=(field, Field))
def struct(
    cls: type[T] | None = None,
    /,
    *,
    frozen: bool = False,
    slots: bool = False,
    kw_only: bool = False,
) -> type[T] | Callable[[type[T]], type[T]]:
    """Make ``cls`` a record class, as ``@dataclass`` with the same flags would."""

    def wrap(c: type[T]) -> type[T]:
        return _build(c, frozen, slots, kw_only)

    return wrap if cls is None else wrap(cls)


def fields(obj: Any) -> tuple[Field, ...]:
    """The fields of a struct class or instance, in order."""
    found: tuple[Field, ...] = getattr(obj, "__struct_fields__")  # noqa: B009
    return found


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of ``obj`` with ``changes`` applied, as ``dataclasses.replace``.

    With the ``__init__`` this module made and no ``__post_init__``, that
    ``__init__`` would only set each field to the value given: the copy's
    fields are set directly (a configuration of forty fields is copied for
    every connection)."""
    cls = obj.__class__
    fast = _REPLACERS.get(cls)
    if fast is not None:
        return fast(obj, changes)  # type: ignore[no-any-return]
    if (
        getattr(cls.__init__, "__struct_state__", None) is not None
        and cls.__new__ is object.__new__
        and not hasattr(cls, "__post_init__")
    ):
        n = _REPLACE_COUNTS[cls] = _REPLACE_COUNTS.get(cls, 0) + 1
        if n >= REPLACE_COMPILE_AFTER:
            _REPLACERS[cls] = _compile_replace(cls)
        return _replace_generic(cls, obj, changes)  # type: ignore[no-any-return]
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    values.update(changes)
    return cls(**values)


#: A class copied this many times by :func:`replace` gets a copier compiled
#: for its fields (compiling costs ~60 us; a short run copies a class a few times).
REPLACE_COMPILE_AFTER = 16
_REPLACE_COUNTS: dict[type, int] = {}
_REPLACERS: dict[type, Callable[[Any, dict[str, Any]], Any]] = {}


def _compile_replace(cls: type) -> Callable[[Any, dict[str, Any]], Any]:
    """``replace`` for ``cls`` as Python source: each field read from the
    original or taken from the changes, and set past a frozen class's
    ``__setattr__`` (through its slot when it has one)."""
    names = [f.name for f in fields(cls)]
    g: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_setattr": object.__setattr__}
    # (the names are read as attributes and written as strings: any identifier)
    if not all(n.isidentifier() and not iskeyword(n) for n in names):
        return lambda obj, changes: _replace_generic(cls, obj, changes)
    lines = ["def _replace(obj, ch):", "    new = _new(_cls)", "    if ch:", "        get = ch.pop"]
    plain: list[str] = []
    for i, name in enumerate(names):
        slot: Any = getattr(cls, name, None)
        if type(slot).__name__ == "member_descriptor" and getattr(slot, "__name__", None) == name:
            g[f"_s{i}"] = slot.__set__
            target = f"_s{i}(new, "
        else:
            target = f"_setattr(new, {name!r}, "
        lines.append(f"        {target}get({name!r}) if {name!r} in ch else obj.{name})")
        plain.append(f"        {target}obj.{name})")
    lines += [
        "        for name in ch:",
        "            _unexpected(name)",
        "    else:",
        *plain,
        "    return new",
    ]

    def _unexpected(name: str) -> None:
        raise TypeError(f"{cls.__name__}.__init__() got an unexpected keyword argument {name!r}")

    g["_unexpected"] = _unexpected
    exec("\n".join(lines) + "\n", g)  # not compile(): see _named
    fn: Callable[[Any, dict[str, Any]], Any] = g["_replace"]
    _named(fn, f"<struct {cls.__name__} replace>")
    return fn


def _replace_generic(cls: type, obj: Any, changes: dict[str, Any]) -> Any:
    new: Any = object.__new__(cls)
    setter = object.__setattr__
    get = changes.pop
    for f in fields(cls):
        name = f.name
        setter(new, name, get(name) if name in changes else getattr(obj, name))
    for name in changes:
        raise TypeError(f"{cls.__name__}.__init__() got an unexpected keyword argument {name!r}")
    return new


def make_struct(
    name: str,
    spec: Iterable[tuple[str, str, Any]],
    *,
    namespace: dict[str, Any] | None = None,
    module: str = __name__,
    frozen: bool = False,
    slots: bool = False,
) -> type:
    """A struct class from ``(name, annotation, default)`` triples."""
    ns: dict[str, Any] = dict(namespace or {})
    annotations: dict[str, str] = {}
    for fname, annotation, default in spec:
        annotations[fname] = annotation
        if default is not MISSING:
            ns[fname] = default
    ns["__annotations__"] = annotations
    ns["__module__"] = module
    ns["__qualname__"] = name
    return _build(type(name, (), ns), frozen, slots, False)
