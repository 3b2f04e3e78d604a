"""Known answers for the TLS 1.0 and SSL 3.0 key derivations.

TLS 1.0: the three vectors of Go's ``crypto/tls`` tests
(``src/crypto/tls/prf_test.go``, ``testKeysFromTests``, repository
``golang/go``), which Go's authors generated from GnuTLS (``gnutls-cli
--insecure -d 9``): pre-master secret, randoms, master secret, and the MAC
and encryption keys (TLS_RSA_WITH_RC4_128_SHA: 20-byte MAC keys, 16-byte
keys, no IV).

SSL 3.0: no published vector was found (RFC 6101 has none). The values below
were computed with a second implementation, tlslite-ng 0.8.2
(``tlslite.mathtls.calcMasterSecret``, ``PRF_SSL`` and ``calcFinished``,
version (3, 0)), and are checked again against tlslite-ng itself, on other
inputs, when it is installed.
"""

from __future__ import annotations

import warnings

import pytest

from sclient.tls.crypto import prf, ssl3
from sclient.tls.crypto.errors import BadRecordMac
from sclient.tls.registry.protocol import SSL3

# (pre-master, client random, server random, master, client MAC key, server MAC key,
#  client key, server key)
GO_TLS10 = [
    (
        "0302cac83ad4b1db3b9ab49ad05957de2a504a634a386fc600889321e1a971f57479466830ac3e6f468e87f5385fa0c5",
        "4ae66303755184a3917fcb44880605fcc53baa01912b22ed94473fc69cebd558",
        "4ae663020ec16e6bb5130be918cfcafd4d765979a3136a5d50c593446e4e44db",
        "3d851bab6e5556e959a16bc36d66cfae32f672bfa9ecdef6096cbb1b23472df1da63dbbd9827606413221d149ed08ceb",
        "805aaa19b3d2c0a0759a4b6c9959890e08480119",
        "2d22f9fe519c075c16448305ceee209fc24ad109",
        "d50b5771244f850cd8117a9ccafe2cf1",
        "e076e33206b30507a85c32855acd0919",
    ),
    (
        "03023f7527316bc12cbcd69e4b9e8275d62c028f27e65c745cfcddc7ce01bd3570a111378b63848127f1c36e5f9e4890",
        "4ae66364b5ea56b20ce4e25555aed2d7e67f42788dd03f3fee4adae0459ab106",
        "4ae66363ab815cbf6a248b87d6b556184e945e9b97fbdf247858b0bdafacfa1c",
        "7d64be7c80c59b740200b4b9c26d0baaa1c5ae56705acbcf2307fe62beb4728c19392c83f20483801cce022c77645460",
        "97742ed60a0554ca13f04f97ee193177b971e3b0",
        "37068751700400e03a8477a5c7eec0813ab9e0dc",
        "207cddbc600d2a200abac6502053ee5c",
        "df3f94f6e1eacc753b815fe16055cd43",
    ),
    (
        "832d515f1d61eebb2be56ba0ef79879efb9b527504abb386fb4310ed5d0e3b1f220d3bb6b455033a2773e6d8bdf951d2"
        "78a187482b400d45deb88a5d5a6bb7d6a7a1decc04eb9ef0642876cd4a82d374d3b6ff35f0351dc5d411104de4313753"
        "55addc39bfb1f6329fb163b0bc298d658338930d07d313cd980a7e3d9196cac1",
        "4ae663b2ee389c0de147c509d8f18f5052afc4aaf9699efe8cb05ece883d3a5e",
        "4ae664d503fd4cff50cfc1fb8fc606580f87b0fcdac9554ba0e01d785bdf278e",
        "1aff2e7a2c4279d0126f57a65a77a8d9d0087cf2733366699bec27eb53d5740705a8574bb1acc2abbe90e44f0dd28d6c",
        "3c7647c93c1379a31a609542aa44e7f117a70085",
        "0d73102994be74a575a3ead8532590ca32a526d4",
        "ac7581b0b6c10d85bbd905ffbf36c65e",
        "ff07edde49682b45466bd2e39464b306",
    ),
]


@pytest.mark.parametrize("vector", GO_TLS10, ids=["go-1", "go-2", "go-3"])
def test_tls10_key_derivation(vector: tuple[str, ...]) -> None:
    pre, cr, sr, ms, cmac, smac, ckey, skey = (bytes.fromhex(v) for v in vector)
    master = prf.master_secret("md5-sha1", pre, cr, sr)
    assert master == ms
    block = prf.key_block("md5-sha1", master, sr, cr, 2 * (20 + 16))
    kb = prf.split_key_block(block, 20, 16, 0)
    assert (kb.client_mac_key, kb.server_mac_key) == (cmac, smac)
    assert (kb.client_key, kb.server_key) == (ckey, skey)


# Inputs of the SSL 3.0 vector, and what tlslite-ng 0.8.2 computed from them.
_PRE = bytes.fromhex("0300" + "11" * 46)
_CR = bytes(range(32))
_SR = bytes(range(32, 64))
_HANDSHAKE = b"handshake messages"
SSL3_MASTER = (
    "f7d7cf40f841e59e55af8ddeae9f4f84cd8bebc33c9dc8d22c8b384275413e66"
    "f86e0e6096d7a970aa87b03ae1a947f6"
)
SSL3_KEY_BLOCK = (
    "14f84dcc7e6dd5b72ecc017f5d763632df3c107ed63ab68b3587d865592083981d6951c40da5adcc757e8b58869b2e72"
    "ad8e8fa302a5ab133cdea139ef6db4dfd7d7f71ca717e8e2c0e3fa6c3a45744e66f4b1b70aff960bec8f01f4addb650b"
    "c2f3f9640f6a0558"
)
SSL3_CLIENT_FINISHED = "352e329ca9c6be70b387d7c3385077e3848a6eee7ad68985bc90895fdc8f5bd165008b07"
SSL3_SERVER_FINISHED = "4e94e072f312428c45d5f3f3837222dbc04f66bfcf61d54bd92891ef50eb7a3aea73b4a2"


def test_ssl3_known_answers() -> None:
    master = ssl3.master_secret(_PRE, _CR, _SR)
    assert master.hex() == SSL3_MASTER
    assert ssl3.key_block(master, _SR, _CR, 104).hex() == SSL3_KEY_BLOCK
    assert ssl3.finished(master, _HANDSHAKE, ssl3.CLIENT_SENDER).hex() == SSL3_CLIENT_FINISHED
    assert ssl3.finished(master, _HANDSHAKE, ssl3.SERVER_SENDER).hex() == SSL3_SERVER_FINISHED
    # A shorter key block is a prefix of a longer one.
    assert ssl3.key_block(master, _SR, _CR, 40).hex() == SSL3_KEY_BLOCK[:80]


@pytest.mark.parametrize("seed", range(3))
def test_ssl3_against_tlslite(seed: int) -> None:
    mathtls = pytest.importorskip("tlslite.mathtls", reason="tlslite-ng is not installed")
    hh_mod = pytest.importorskip("tlslite.handshakehashes")
    pre = bytes((seed + i) % 256 for i in range(48))
    cr = bytes((seed * 7 + i) % 256 for i in range(32))
    sr = bytes((seed * 13 + i) % 256 for i in range(32))
    messages = bytes(range(seed, seed + 100))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        want = bytes(mathtls.calcMasterSecret((3, 0), 0x002F, bytearray(pre), cr, sr))
        assert ssl3.master_secret(pre, cr, sr) == want
        assert ssl3.key_block(want, sr, cr, 136) == bytes(
            mathtls.PRF_SSL(bytearray(want), bytearray(sr + cr), 136)
        )
        hh = hh_mod.HandshakeHashes()
        hh.update(bytearray(messages))
        for is_client, sender in ((True, ssl3.CLIENT_SENDER), (False, ssl3.SERVER_SENDER)):
            fin = bytes(mathtls.calcFinished((3, 0), bytearray(want), 0x002F, hh, is_client))
            assert ssl3.finished(want, messages, sender) == fin


@pytest.mark.parametrize("kind", ["dsa", "ecdsa", "rsa"])
def test_ssl3_certificate_verify_against_tlslite(kind: str) -> None:
    """A client certificate's CertificateVerify over SSL 3.0. tlslite-ng's
    server cannot check a DSA one end to end (its calcVerifyBytes hands the
    whole 36 bytes to a DSA verify, where OpenSSL's SSL 3.0 signs the SHA-1
    part), so the proof is here: the hashes are the ones tlslite-ng computes
    (``HandshakeHashes.digestSSL`` with an empty label), and the signature
    verifies, with cryptography, over what OpenSSL 1.1.1 signed: the SHA-1
    part for DSA and ECDSA (dsa_sha1, ecdsa_sha1), all 36 bytes with
    PKCS#1 v1.5 and no DigestInfo for RSA."""
    hh_mod = pytest.importorskip("tlslite.handshakehashes", reason="tlslite-ng is not installed")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa, utils

    from sclient.tls.crypto.signatures import sign_digests
    from sclient.tls.registry import sigschemes

    master = bytes(range(48))
    messages = bytes(range(7, 7 + 200))
    hh = hh_mod.HandshakeHashes()
    hh.update(bytearray(messages))
    want = bytes(hh.digestSSL(bytearray(master), bytearray(b"")))
    digests = ssl3.certificate_verify_hashes(master, messages)
    assert digests == want
    sha1 = utils.Prehashed(hashes.SHA1())
    if kind == "dsa":
        key = dsa.generate_private_key(2048)
        sig = sign_digests(0x0202, key, digests)
        key.public_key().verify(sig, want[16:], sha1)
        with pytest.raises(InvalidSignature):  # the SHA-1 part, not the first 20 bytes
            key.public_key().verify(sig, want[:20], sha1)
    elif kind == "ecdsa":
        eckey = ec.generate_private_key(ec.SECP256R1())
        sig = sign_digests(0x0203, eckey, digests)
        eckey.public_key().verify(sig, want[16:], ec.ECDSA(sha1))
    else:
        rkey = rsa.generate_private_key(65537, 2048)
        sig = sign_digests(sigschemes.RSA_PKCS1_MD5_SHA1, rkey, digests)
        # raw PKCS#1 v1.5 type 1 over the 36 bytes: recover them with the public key
        n = rkey.public_key().public_numbers()
        em = pow(int.from_bytes(sig, "big"), n.e, n.n).to_bytes(256, "big")
        assert em[:2] == b"\x00\x01" and em.endswith(b"\x00" + want)


def _pair() -> tuple[ssl3.Ssl3Cbc, ssl3.Ssl3Cbc]:
    def make() -> ssl3.Ssl3Cbc:
        return ssl3.Ssl3Cbc(bytes(16), bytes(range(20)), "sha1", bytes, bytes(16), "AES-128-CBC")

    return make(), make()


def test_ssl3_record_round_trip_and_format() -> None:
    w, r = _pair()
    rec = w.encrypt(23, b"hello")
    # Header 0x0300; 5 + 20 MAC + padding to 32 (10 zero bytes would be TLS's
    # value bytes: SSL 3.0 sends zeros then the count).
    assert rec[:3] == bytes((23, 3, 0)) and len(rec) == 5 + 32
    assert r.decrypt(rec[:5], rec[5:]) == (23, b"hello")
    # The MAC does not cover the version: the same record with another
    # header version still opens (the record layer checks versions itself).
    rec2 = w.encrypt(23, b"")
    assert r.decrypt(bytes((23, 3, 1)) + rec2[3:5], rec2[5:]) == (23, b"")
    assert w.version == SSL3


def test_ssl3_record_mac_is_checked() -> None:
    w, r = _pair()
    rec = bytearray(w.encrypt(23, b"x" * 40))
    rec[-1] ^= 1
    with pytest.raises(BadRecordMac):
        r.decrypt(bytes(rec[:5]), bytes(rec[5:]))


def test_ssl3_mac_construction() -> None:
    # hash(secret + pad2 + hash(secret + pad1 + seq + type + length + data)),
    # written out with hashlib-free primitives from the module's own hashes.
    from sclient.tls.crypto import hashes

    secret = bytes(range(20))
    inner = hashes.digest(
        "sha1", secret + b"\x36" * 40 + (5).to_bytes(8, "big") + b"\x17" + b"\x00\x03" + b"abc"
    )
    want = hashes.digest("sha1", secret + b"\x5c" * 40 + inner)
    assert ssl3.mac("sha1", secret, 5, 23, b"abc") == want
