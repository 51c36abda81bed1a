"""Ed25519 keys and signatures of a site (cryptography's implementation, nothing home-made)."""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class KeyPair:
    public: str  # raw 32 bytes, base64url
    private: str  # raw 32 bytes, base64url


def new_key_pair() -> KeyPair:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return KeyPair(public=b64u(public), private=b64u(private))


def public_of(private: str) -> str:
    """The public half of a private key."""
    key = Ed25519PrivateKey.from_private_bytes(unb64u(private))
    return b64u(
        key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


@functools.lru_cache(maxsize=4)
def _private_key(private: str) -> Ed25519PrivateKey:
    # Made once per key: a recognition signs its QR text and its state, 30,000 at a time, and
    # loading the key took longer than signing.
    return Ed25519PrivateKey.from_private_bytes(unb64u(private))


def sign(private: str, message: bytes) -> str:
    return b64u(_private_key(private).sign(message))


def verify(public: str, message: bytes, signature: str) -> bool:
    try:
        raw = unb64u(signature)
        # The last base64 character carries spare bits: accept only the canonical spelling,
        # so no changed character of a scanned text ever still verifies.
        if b64u(raw) != signature:
            return False
        key = Ed25519PublicKey.from_public_bytes(unb64u(public))
        key.verify(raw, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(public: str) -> str:
    """A short form to read over the phone: the first 16 characters, in groups of four."""
    text = public[:16]
    return " ".join(text[i : i + 4] for i in range(0, 16, 4))


def phone_fingerprint(public: str) -> str:
    """The form read aloud over the phone to check a key: 8 groups of 5 decimal digits derived
    from the SHA-256 of the raw public key (digits are easy to say and hard to mishear)."""
    digest = hashlib.sha256(unb64u(public)).digest()
    groups = (int.from_bytes(digest[i : i + 4], "big") % 100_000 for i in range(0, 32, 4))
    return " ".join(f"{g:05d}" for g in groups)
