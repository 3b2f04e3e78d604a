"""RFC 5280 certificate policy processing as OpenSSL 3.0 does it.

:func:`policy_check` is ``X509_policy_check`` (``crypto/x509/pcy_tree.c``): the
per-certificate policy caches (``pcy_cache.c``, ``pcy_map.c``: certificatePolicies,
policyMappings, policyConstraints, inhibitAnyPolicy), the valid-policy tree
level by level with OpenSSL's pruning, the authority and user policy sets, and
the same 1000-node bound on the tree (CVE-2023-0464). :func:`policies_print` is
the ``policies_print`` block s_client's callback writes, :func:`txt2oid` the
``OBJ_txt2obj`` that reads ``-policy`` arguments.

Pure code: certificates in, a :class:`PolicyResult` out.
"""

from __future__ import annotations

from collections.abc import Sequence

from sclient.base import der
from sclient.base.structs import Struct, field
from sclient.x509 import oids
from sclient.x509.cert import EXFLAG_SI, Certificate

ANY_POLICY = "2.5.29.32.0"
OID_CERT_POLICIES = "2.5.29.32"
OID_POLICY_MAPPINGS = "2.5.29.33"
OID_POLICY_CONSTRAINTS = "2.5.29.36"
OID_INHIBIT_ANY = "2.5.29.54"
OID_QT_CPS = "1.3.6.1.5.5.7.2.1"
OID_QT_UNOTICE = "1.3.6.1.5.5.7.2.2"

# X509_PCY_TREE_* results
TREE_FAILURE = -2
TREE_INVALID = -1
TREE_INTERNAL = 0
TREE_VALID = 1
TREE_EMPTY = 2
TREE_EXPLICIT = 4

#: OPENSSL_POLICY_TREE_NODES_MAX
NODES_MAX = 1000

# POLICY_DATA_FLAG_*
_MAPPED = 0x1
_MAPPED_ANY = 0x2
_MAP_MASK = _MAPPED | _MAPPED_ANY

# level flags
_INHIBIT_ANY = 0x1
_INHIBIT_MAP = 0x2

_INF = 1 << 62  # ASN1_INTEGER_get of a huge value fails: OpenSSL then has -1 ("not set")


class _TreeFull(Exception):
    """The tree reached :data:`NODES_MAX` nodes (OpenSSL: allocation failure)."""


# --------------------------------------------------------------------------------------------
# Decoded extensions


class Qualifier(Struct, frozen=True, slots=True):
    """A PolicyQualifierInfo: ``cps`` (the IA5 URI), a user notice, or an unknown one."""

    oid: str
    cps: bytes | None = None
    notice_org: bytes | None = None  # noticeRef.organization (None: no noticeRef)
    notice_numbers: tuple[int, ...] = ()
    notice_text: bytes | None = None  # explicitText


def _display_text(t: der.TLV) -> bytes:
    if t.tag not in (0x16, 0x1A, 0x1E, 0x0C):
        raise der.DERError("DisplayText")
    return t.content


def _qualifier(t: der.TLV) -> Qualifier:
    kids = t.children()
    if t.tag != der.SEQUENCE or len(kids) != 2 or kids[0].tag != der.OID:
        raise der.DERError("PolicyQualifierInfo")
    oid = der.decode_oid(kids[0].content)
    q = kids[1]
    if oid == OID_QT_CPS:
        if q.tag != 0x16:
            raise der.DERError("CPSuri")
        return Qualifier(oid, cps=q.content)
    if oid == OID_QT_UNOTICE:
        if q.tag != der.SEQUENCE:
            raise der.DERError("UserNotice")
        parts = q.children()
        org: bytes | None = None
        numbers: tuple[int, ...] = ()
        text = None
        if parts and parts[0].tag == der.SEQUENCE:
            ref = parts.pop(0).children()
            if len(ref) != 2 or ref[1].tag != der.SEQUENCE:
                raise der.DERError("NoticeReference")
            org = _display_text(ref[0])
            nums = ref[1].children()
            if any(n.tag != der.INTEGER for n in nums):
                raise der.DERError("noticeNumbers")
            numbers = tuple(der.decode_int(n.content) for n in nums)
        if parts:
            text = _display_text(parts.pop(0))
        if parts:
            raise der.DERError("UserNotice member")
        return Qualifier(oid, notice_org=org, notice_numbers=numbers, notice_text=text)
    return Qualifier(oid)


def _decode_policies(value: bytes) -> list[tuple[str, tuple[Qualifier, ...] | None]]:
    t = der.parse(value)
    if t.tag != der.SEQUENCE:
        raise der.DERError("CertificatePolicies")
    out = []
    for pi in t.children():
        kids = pi.children()
        if pi.tag != der.SEQUENCE or not 1 <= len(kids) <= 2 or kids[0].tag != der.OID:
            raise der.DERError("PolicyInformation")
        quals = None
        if len(kids) == 2:
            if kids[1].tag != der.SEQUENCE:
                raise der.DERError("policyQualifiers")
            quals = tuple(_qualifier(q) for q in kids[1].children())
        out.append((der.decode_oid(kids[0].content), quals))
    return out


def _decode_mappings(value: bytes) -> list[tuple[str, str]]:
    t = der.parse(value)
    if t.tag != der.SEQUENCE:
        raise der.DERError("PolicyMappings")
    out = []
    for m in t.children():
        kids = m.children()
        if m.tag != der.SEQUENCE or len(kids) != 2 or any(k.tag != der.OID for k in kids):
            raise der.DERError("PolicyMapping")
        out.append((der.decode_oid(kids[0].content), der.decode_oid(kids[1].content)))
    return out


def _skip(content: bytes) -> int | None:
    """``policy_cache_set_int``: None when negative (invalid), -1 when too large."""
    v = der.decode_int(content)
    if v < 0:
        return None
    return v if v < _INF else -1


def _decode_constraints(value: bytes) -> tuple[int, int]:
    t = der.parse(value)
    if t.tag != der.SEQUENCE:
        raise der.DERError("PolicyConstraints")
    req = inh = -1
    kids = t.children()
    if not kids:
        raise der.DERError("empty PolicyConstraints")
    if kids and kids[0].tag == 0x80:
        v = _skip(kids.pop(0).content)
        if v is None:
            raise der.DERError("negative")
        req = v
    if kids and kids[0].tag == 0x81:
        v = _skip(kids.pop(0).content)
        if v is None:
            raise der.DERError("negative")
        inh = v
    if kids:
        raise der.DERError("PolicyConstraints member")
    return req, inh


def _oid_key(oid: str) -> tuple[int, bytes]:
    """``OBJ_cmp`` order: encoding length first, then the bytes."""
    from sclient.x509.names import _oid_der

    body = der.parse(_oid_der(oid)).content
    return len(body), body


# --------------------------------------------------------------------------------------------
# The policy cache of one certificate


class PolicyData(Struct, slots=True):
    valid_policy: str
    critical: bool
    qualifiers: tuple[Qualifier, ...] | None
    flags: int = 0
    expected: list[str] = field(default_factory=list)


class PolicyCache(Struct, slots=True):
    data: list[PolicyData] | None = None
    any_policy: PolicyData | None = None
    any_skip: int = -1
    explicit_skip: int = -1
    map_skip: int = -1
    invalid: bool = False  # EXFLAG_INVALID_POLICY


def _get(x: Certificate, oid: str) -> tuple[bytes | None, int]:
    ext, crit = x.get_ext(oid)
    return (ext.value if ext is not None else None), crit


def policy_cache(x: Certificate) -> PolicyCache:
    """``policy_cache_new``: what the certificate's policy extensions say."""
    cache = PolicyCache()
    value, crit = _get(x, OID_POLICY_CONSTRAINTS)
    if value is None:
        if crit != -1:
            cache.invalid = True
            return cache
    else:
        try:
            cache.explicit_skip, cache.map_skip = _decode_constraints(value)
        except der.DERError:
            cache.invalid = True
            return cache
    value, crit = _get(x, OID_CERT_POLICIES)
    if value is None:
        cache.invalid = crit != -1
        return cache
    try:
        pols = _decode_policies(value)
    except der.DERError:
        cache.invalid = True
        return cache
    if not pols:
        return cache  # an empty extension: no policies, the rest is not looked at
    data: list[PolicyData] = []
    seen: set[str] = set()
    for oid, quals in pols:
        d = PolicyData(oid, bool(crit), quals)
        if oid == ANY_POLICY:
            if cache.any_policy is not None:
                cache.invalid = True
                return cache
            cache.any_policy = d
        elif oid in seen:
            cache.invalid = True
            return cache
        else:
            seen.add(oid)
            data.append(d)
    data.sort(key=lambda d: _oid_key(d.valid_policy))
    cache.data = data
    value, crit = _get(x, OID_POLICY_MAPPINGS)
    if value is None:
        if crit != -1:
            cache.invalid = True
    elif not _set_mapping(cache, value):
        cache.invalid = True
    value, crit = _get(x, OID_INHIBIT_ANY)
    if value is None:
        if crit != -1:
            cache.invalid = True
    else:
        try:
            t = der.parse(value)
            if t.tag != der.INTEGER:
                raise der.DERError("SkipCerts")
            v = _skip(t.content)
            if v is None:
                cache.invalid = True
            else:
                cache.any_skip = v
        except der.DERError:
            cache.invalid = True
    return cache


def _set_mapping(cache: PolicyCache, value: bytes) -> bool:
    """``ossl_policy_cache_set_mapping``."""
    try:
        maps = _decode_mappings(value)
    except der.DERError:
        return False
    if not maps:
        return False
    assert cache.data is not None
    data = cache.data
    by_oid = {d.valid_policy: d for d in data}
    is_sorted = True
    for issuer_p, subject_p in maps:
        if issuer_p == ANY_POLICY or subject_p == ANY_POLICY:
            return False
        if not is_sorted:  # sk_find sorts a stack pushed to since the last search
            data.sort(key=lambda d: _oid_key(d.valid_policy))
            is_sorted = True
        d = by_oid.get(issuer_p)
        if d is None and cache.any_policy is None:
            continue
        if d is None:
            anyp = cache.any_policy
            assert anyp is not None
            d = PolicyData(issuer_p, anyp.critical, anyp.qualifiers, _MAPPED_ANY)
            data.append(d)
            by_oid[issuer_p] = d
            is_sorted = len(data) <= 1
        else:
            d.flags |= _MAPPED
        d.expected.append(subject_p)
    return True


# --------------------------------------------------------------------------------------------
# The tree


class Node(Struct, slots=True):
    data: PolicyData
    parent: Node | None
    nchild: int = 0


class _Level(Struct, slots=True):
    cache: PolicyCache | None = None
    nodes: list[Node] = field(default_factory=list)
    any_policy: Node | None = None
    flags: int = 0


class _Tree(Struct, slots=True):
    levels: list[_Level]
    node_count: int = 0
    auth_policies: list[Node] | None = None
    user_policies: list[Node] | None = None
    any_policy_flag: bool = False  # POLICY_FLAG_ANY_POLICY

    def add_node(self, level: _Level | None, data: PolicyData, parent: Node | None) -> Node:
        if self.node_count >= NODES_MAX:
            raise _TreeFull
        node = Node(data, parent)
        if level is not None:
            if data.valid_policy == ANY_POLICY:
                if level.any_policy is not None:
                    raise _TreeFull
                level.any_policy = node
            else:
                level.nodes.append(node)
        self.node_count += 1
        if parent is not None:
            parent.nchild += 1
        return node


class PolicyResult(Struct, frozen=True, slots=True):
    """What ``X509_policy_check`` leaves in the verification context."""

    ret: int  # TREE_VALID, TREE_FAILURE, TREE_INVALID or TREE_INTERNAL
    explicit_policy: bool  # X509_STORE_CTX_get_explicit_policy
    auth_policies: tuple[Node, ...] | None  # X509_policy_tree_get0_policies (None: no tree/set)
    user_policies: tuple[Node, ...] | None  # X509_policy_tree_get0_user_policies
    invalid: tuple[int, ...] = ()  # chain indexes with EXFLAG_INVALID_POLICY


def _matches(last: _Level, node: Node) -> list[str]:
    """The OIDs ``ossl_policy_node_match`` accepts for ``node`` of level ``last``."""
    d = node.data
    if last.flags & _INHIBIT_MAP or not d.flags & _MAP_MASK:
        return [d.valid_policy]
    return d.expected


def _link_nodes(tree: _Tree, last: _Level, curr: _Level, cache: PolicyCache) -> None:
    index: dict[str, list[Node]] = {}
    for node in last.nodes:
        for oid in dict.fromkeys(_matches(last, node)):
            index.setdefault(oid, []).append(node)
    for data in cache.data or ():
        parents = index.get(data.valid_policy)
        if parents:
            for p in parents:
                tree.add_node(curr, data, p)
        elif last.any_policy is not None:
            tree.add_node(curr, data, last.any_policy)


def _add_unmatched(tree: _Tree, curr: _Level, cache: PolicyCache, oid: str, node: Node) -> None:
    anyp = cache.any_policy
    assert anyp is not None
    data = PolicyData(oid, node.data.critical, anyp.qualifiers)
    tree.add_node(curr, data, node)


def _link_any(tree: _Tree, last: _Level, curr: _Level, cache: PolicyCache) -> None:
    for node in last.nodes:
        if last.flags & _INHIBIT_MAP or not node.data.flags & _MAPPED:
            if node.nchild:
                continue
            _add_unmatched(tree, curr, cache, node.data.valid_policy, node)
        else:
            exp = node.data.expected
            if node.nchild == len(exp):
                continue
            for oid in exp:
                if any(
                    n.parent is node and n.data.valid_policy == oid
                    for n in curr.nodes
                    if n.data.valid_policy == oid
                ):
                    continue
                _add_unmatched(tree, curr, cache, oid, node)
    if last.any_policy is not None:
        assert cache.any_policy is not None
        tree.add_node(curr, cache.any_policy, last.any_policy)


def _prune(tree: _Tree, k: int) -> int:
    curr = tree.levels[k]
    if curr.flags & _INHIBIT_MAP:
        keep = []
        for node in curr.nodes:
            if node.data.flags & _MAP_MASK:
                assert node.parent is not None
                node.parent.nchild -= 1
            else:
                keep.append(node)
        curr.nodes = keep
    while True:
        k -= 1
        lev = tree.levels[k]
        keep = []
        for node in lev.nodes:
            if node.nchild == 0:
                assert node.parent is not None
                node.parent.nchild -= 1
            else:
                keep.append(node)
        lev.nodes = keep
        if lev.any_policy is not None and not lev.any_policy.nchild:
            if lev.any_policy.parent is not None:
                lev.any_policy.parent.nchild -= 1
            lev.any_policy = None
        if k == 0:
            return TREE_EMPTY if lev.any_policy is None else TREE_VALID


def _init(
    chain: Sequence[Certificate],
    caches: list[PolicyCache],
    explicit: bool,
    inhibit_any: bool,
    inhibit_map: bool,
) -> tuple[int, _Tree | None]:
    n = len(chain) - 1
    explicit_policy = 0 if explicit else n + 1
    any_skip = 0 if inhibit_any else n + 1
    map_skip = 0 if inhibit_map else n + 1
    if n < 0:
        return TREE_INTERNAL, None
    if n == 0:
        return TREE_EMPTY, None
    ret = TREE_VALID
    i = n - 1
    while i >= 0 and (explicit_policy > 0 or not ret & TREE_EMPTY):
        x, cache = chain[i], caches[i]
        if cache.invalid:
            return TREE_INVALID, None
        if ret & TREE_VALID and cache.data is None:
            ret = TREE_EMPTY
        if explicit_policy > 0:
            if not x.ex_flags & EXFLAG_SI:
                explicit_policy -= 1
            if 0 <= cache.explicit_skip < explicit_policy:
                explicit_policy = cache.explicit_skip
        i -= 1
    if explicit_policy == 0:
        ret |= TREE_EXPLICIT
    if not ret & TREE_VALID:
        return ret, None
    tree = _Tree([_Level() for _ in range(n + 1)])
    tree.add_node(tree.levels[0], PolicyData(ANY_POLICY, False, None), None)
    for i in range(n - 1, -1, -1):
        x, cache = chain[i], caches[i]
        level = tree.levels[n - i]
        level.cache = cache
        if cache.any_policy is None:
            level.flags |= _INHIBIT_ANY
        si = bool(x.ex_flags & EXFLAG_SI)
        if any_skip == 0:
            if not si or i == 0:
                level.flags |= _INHIBIT_ANY
        else:
            if not si:
                any_skip -= 1
            if 0 <= cache.any_skip < any_skip:
                any_skip = cache.any_skip
        if map_skip == 0:
            level.flags |= _INHIBIT_MAP
        else:
            if not si:
                map_skip -= 1
            if 0 <= cache.map_skip < map_skip:
                map_skip = cache.map_skip
    return ret, tree


def _evaluate(tree: _Tree) -> int:
    for k in range(1, len(tree.levels)):
        last, curr = tree.levels[k - 1], tree.levels[k]
        assert curr.cache is not None
        _link_nodes(tree, last, curr, curr.cache)
        if not curr.flags & _INHIBIT_ANY:
            _link_any(tree, last, curr, curr.cache)
        ret = _prune(tree, k)
        if ret != TREE_VALID:
            return ret
    return TREE_VALID


def _add_auth(nodes: list[Node], seen: set[str], node: Node) -> None:
    if node.data.valid_policy not in seen:
        seen.add(node.data.valid_policy)
        nodes.append(node)


def _authority_set(tree: _Tree) -> list[Node]:
    """``tree_calculate_authority_set``: fills ``tree.auth_policies``; returns the nodes
    the user set is computed from."""
    last = tree.levels[-1]
    auth: list[Node] = []
    auth_seen: set[str] = set()
    extra: list[Node] = []
    extra_seen: set[str] = set()
    use_extra = last.any_policy is not None
    if last.any_policy is not None:
        _add_auth(auth, auth_seen, last.any_policy)
    for k in range(1, len(tree.levels)):
        anyptr = tree.levels[k - 1].any_policy
        if anyptr is None:
            break
        for node in tree.levels[k].nodes:
            if node.parent is anyptr:
                if use_extra:
                    _add_auth(extra, extra_seen, node)
                else:
                    _add_auth(auth, auth_seen, node)
    auth.sort(key=lambda nd: _oid_key(nd.data.valid_policy))
    tree.auth_policies = auth if auth else None
    if use_extra:
        extra.sort(key=lambda nd: _oid_key(nd.data.valid_policy))
        return extra
    return auth


def _user_set(tree: _Tree, user: Sequence[str], auth_nodes: list[Node]) -> None:
    if not user:
        return
    anyp = tree.levels[-1].any_policy
    if ANY_POLICY in user:
        tree.any_policy_flag = True
        return
    by_oid = {nd.data.valid_policy: nd for nd in auth_nodes}
    for oid in user:
        node = by_oid.get(oid)
        if node is None:
            if anyp is None:
                continue
            data = PolicyData(oid, anyp.data.critical, anyp.data.qualifiers)
            node = tree.add_node(None, data, anyp.parent)
        if tree.user_policies is None:
            tree.user_policies = []
        tree.user_policies.append(node)


def policy_check(
    chain: Sequence[Certificate],
    user_policies: Sequence[str] = (),
    *,
    explicit: bool = False,
    inhibit_any: bool = False,
    inhibit_map: bool = False,
) -> PolicyResult:
    """``X509_policy_check`` on a built chain (leaf first, trust anchor last)."""
    n = len(chain) - 1
    caches = [policy_cache(x) for x in chain[:n]]
    invalid = tuple(i for i, c in enumerate(caches) if c.invalid)
    try:
        return _check(chain, caches, invalid, user_policies, explicit, inhibit_any, inhibit_map)
    except _TreeFull:
        return PolicyResult(TREE_INTERNAL, False, None, None, invalid)


def _check(
    chain: Sequence[Certificate],
    caches: list[PolicyCache],
    invalid: tuple[int, ...],
    user: Sequence[str],
    explicit: bool,
    inhibit_any: bool,
    inhibit_map: bool,
) -> PolicyResult:
    init_ret, tree = _init(chain, caches, explicit, inhibit_any, inhibit_map)
    if init_ret <= 0:
        return PolicyResult(init_ret, False, None, None, invalid)
    is_explicit = bool(init_ret & TREE_EXPLICIT)
    if init_ret & TREE_EMPTY:
        return PolicyResult(TREE_FAILURE if is_explicit else TREE_VALID, is_explicit, None, None)
    assert tree is not None
    if _evaluate(tree) == TREE_EMPTY:
        return PolicyResult(TREE_FAILURE if is_explicit else TREE_VALID, is_explicit, None, None)
    auth_nodes = _authority_set(tree)
    _user_set(tree, user, auth_nodes)
    auth = tuple(tree.auth_policies) if tree.auth_policies is not None else None
    if tree.any_policy_flag:
        users = auth
    else:
        users = tuple(tree.user_policies) if tree.user_policies is not None else None
    ret = TREE_VALID
    if is_explicit and not users:
        ret = TREE_FAILURE
    return PolicyResult(ret, is_explicit, auth, users)


# --------------------------------------------------------------------------------------------
# Printing (apps/lib/apps.c policies_print, crypto/x509/v3_cpols.c)


def _text(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def _i2s_integer(v: int) -> str:
    """``i2s_ASN1_INTEGER``: decimal below 2^127-ish, else ``0x`` hex."""
    a = abs(v)
    s = str(a) if a.bit_length() < 128 else "0x" + format(a, "X")
    return ("-" if v < 0 else "") + s


def _qualifiers_text(quals: tuple[Qualifier, ...], indent: int) -> str:
    out = []
    pad = " " * indent
    for i, q in enumerate(quals):
        if i:
            out.append("\n")
        if q.oid == OID_QT_CPS:
            out.append(f"{pad}CPS: {_text(q.cps or b'')}")
        elif q.oid == OID_QT_UNOTICE:
            out.append(f"{pad}User Notice:\n")
            pad2 = " " * (indent + 2)
            if q.notice_org is not None:
                out.append(f"{pad2}Organization: {_text(q.notice_org)}\n")
                plural = "s" if len(q.notice_numbers) > 1 else ""
                out.append(f"{pad2}Number{plural}: ")
                out.append(", ".join(_i2s_integer(v) for v in q.notice_numbers))
                if q.notice_text is not None:
                    out.append("\n")
            if q.notice_text is not None:
                out.append(f"{pad2}Explicit Text: {_text(q.notice_text)}")
        else:
            out.append(f"{' ' * (indent + 2)}Unknown Qualifier: {oids.ln(q.oid)}")
    return "".join(out)


def node_text(node: Node, indent: int) -> str:
    """``X509_POLICY_NODE_print``."""
    d = node.data
    pad = " " * (indent + 2)
    out = f"{' ' * indent}Policy: {oids.ln(d.valid_policy)}\n"
    out += f"{pad}{'Critical' if d.critical else 'Non Critical'}\n"
    if d.qualifiers is not None:
        out += _qualifiers_text(d.qualifiers, indent + 2) + "\n"
    else:
        out += f"{pad}No Qualifiers\n"
    return out


def _nodes_text(label: str, nodes: tuple[Node, ...] | None) -> str:
    if nodes is None:
        return f"{label} Policies: <empty>\n"
    return f"{label} Policies:\n" + "".join(node_text(nd, 2) for nd in nodes)


def policies_print(result: PolicyResult | None) -> str:
    """The ``policies_print`` block (stderr) for the context's tree."""
    explicit = result is not None and result.explicit_policy
    auth = result.auth_policies if result is not None else None
    users = result.user_policies if result is not None else None
    return (
        f"Require explicit Policy: {'True' if explicit else 'False'}\n"
        + _nodes_text("Authority", auth)
        + _nodes_text("User", users)
    )


# --------------------------------------------------------------------------------------------
# -policy arguments


def txt2oid(text: str) -> str | None:
    """``OBJ_txt2obj(text, 0)``: a short or long name, or a dotted OID; None if invalid."""
    return oids.from_name(text) or _a2d(text)


def _a2d(text: str) -> str | None:
    """``a2d_ASN1_OBJECT``: OpenSSL's dotted-OID reader (``.`` or space between arcs)."""
    digits = "0123456789"
    if not text or text[0] not in "012" or len(text) < 2:
        return None
    first = int(text[0])
    c = text[1]
    pos = 2
    arcs: list[int] = []
    while pos < len(text):
        if c not in ". ":
            return None
        v = 0
        while pos < len(text):
            c = text[pos]
            pos += 1
            if c in ". ":
                break
            if c not in digits:
                return None
            v = v * 10 + int(c)
        if not arcs and first < 2 and v >= 40:
            return None
        arcs.append(v)
    if not arcs:
        return None
    return ".".join(str(a) for a in [first, *arcs])
