"""The key that signs an SDK v3 function step's payloads: SDK v3's `@step` signs the pickled
function and arguments with an ECDSA P-256 private key and writes the public key into the job's
`REMOTE_FUNCTION_SECRET_KEY`, where the job checks the signature before unpickling.

The SDK makes a new key for every definition, so no two definitions are the same; pipedsl reads
the key from a file the pipeline names (`signing_key`), so the definition is reproducible and
`deploy` signs with the key whose public half the definition holds. The public key is derived
here, in plain Python, so that `transpile` needs no cryptography package: the file's private
scalar times the curve's generator, written as the SDK writes it (PEM SubjectPublicKeyInfo).
"""
from __future__ import annotations

import base64
import re
from typing import Optional, Tuple

# NIST P-256 (secp256r1 / prime256v1)
_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
_A = _P - 3
_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
      0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)
_P256_OID = bytes.fromhex("2a8648ce3d030107")
_EC_PUBLIC_KEY_OID = bytes.fromhex("2a8648ce3d0201")
# SubjectPublicKeyInfo { AlgorithmIdentifier { ecPublicKey, prime256v1 }, BIT STRING (65 bytes) }
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
_PEM = re.compile(rb"-----BEGIN ([A-Z ]+)-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END \1-----")


class KeyProblem(ValueError):
    """The file is not an unencrypted P-256 private key (said as a diagnostic)."""


def public_key_pem(pem: bytes) -> str:
    """The public key of the PEM private key `pem`, as SDK v3 writes it into the definition."""
    point = _multiply(private_scalar(pem), _G)
    assert point is not None
    der = _SPKI_PREFIX + b"\x04" + point[0].to_bytes(32, "big") + point[1].to_bytes(32, "big")
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"


def private_scalar(pem: bytes) -> int:
    match = _PEM.search(pem)
    if match is None:
        raise KeyProblem("not a PEM private key")
    label = match.group(1).decode("ascii")
    if label not in ("EC PRIVATE KEY", "PRIVATE KEY"):
        raise KeyProblem(f"a PEM `{label}`, not an unencrypted EC private key")
    try:
        der = base64.b64decode(b"".join(match.group(2).split()), validate=True)
        if label == "PRIVATE KEY":  # PKCS#8: { version, { ecPublicKey, curve }, OCTET STRING (SEC1) }
            items = _sequence(der)
            algorithm = _elements(_expect(items[1], 0x30))
            if _expect(algorithm[0], 0x06) != _EC_PUBLIC_KEY_OID:
                raise KeyProblem("not an EC key")
            if len(algorithm) < 2 or _expect(algorithm[1], 0x06) != _P256_OID:
                raise KeyProblem("not a P-256 (prime256v1) key, the curve SDK v3 signs with")
            der = _expect(items[2], 0x04)
        items = _sequence(der)  # SEC1: { version 1, OCTET STRING d, [0] curve, [1] public key }
        scalar = int.from_bytes(_expect(items[1], 0x04), "big")
        for tag, body in items[2:]:
            if tag == 0xA0 and _expect(_read(body, 0)[0:2], 0x06) != _P256_OID:
                raise KeyProblem("not a P-256 (prime256v1) key, the curve SDK v3 signs with")
    except KeyProblem:
        raise
    except (IndexError, ValueError):  # (malformed DER or base64)
        raise KeyProblem("not a readable EC private key") from None
    if not 0 < scalar < _N:
        raise KeyProblem("not a valid P-256 private key")
    return scalar


# --- a little DER ------------------------------------------------------------------------

def _read(data: bytes, at: int) -> Tuple[int, bytes, int]:
    """(tag, body, next offset) of the DER element at `at`."""
    tag, length = data[at], data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 3:
            raise ValueError("length")
        length = int.from_bytes(data[at:at + count], "big")
        at += count
    if at + length > len(data):
        raise ValueError("truncated")
    return tag, data[at:at + length], at + length


def _sequence(der: bytes):
    tag, body, _ = _read(der, 0)
    if tag != 0x30:
        raise ValueError("not a sequence")
    return _elements(body)


def _elements(body: bytes):
    items, at = [], 0
    while at < len(body):
        tag, inner, at = _read(body, at)
        items.append((tag, inner))
    return items


def _expect(item, tag: int) -> bytes:
    if item[0] != tag:
        raise ValueError("unexpected element")
    return item[1]


# --- the curve ----------------------------------------------------------------------------

Point = Optional[Tuple[int, int]]


def _add(p: Point, q: Point) -> Point:
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % _P == 0:
        return None
    if p == q:
        slope = (3 * p[0] * p[0] + _A) * pow(2 * p[1], -1, _P) % _P
    else:
        slope = (q[1] - p[1]) * pow(q[0] - p[0], -1, _P) % _P
    x = (slope * slope - p[0] - q[0]) % _P
    return x, (slope * (p[0] - x) - p[1]) % _P


def _multiply(k: int, point: Point) -> Point:
    out: Point = None
    while k:
        if k & 1:
            out = _add(out, point)
        point = _add(point, point)
        k >>= 1
    return out
