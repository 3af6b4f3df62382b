"""Documents at rest: AES-GCM round trip, key rotation by key id, and tamper detection."""

import pytest

from backoffice.documents.intake.encryption import (
    DERIVED_KEY_ID,
    KeyConfigError,
    Keyring,
    UndecryptableDocument,
    decrypt,
    encrypt,
    key_id_of,
    new_key,
    rotate,
)

DOC = b"\xff\xd8\xff fictional aadhaar photo bytes"


@pytest.fixture
def keys():
    return {"k1": new_key(), "k2": new_key()}


def ring(*entries: str) -> Keyring:
    return Keyring.from_env({"SEVA_DOCUMENT_KEYS": ",".join(entries)})


def test_round_trip_hides_the_content(keys):
    keyring = ring(f"k1:{keys['k1']}")
    blob = encrypt(DOC, keyring, b"doc-1")
    assert b"aadhaar" not in blob
    assert key_id_of(blob) == "k1"
    assert decrypt(blob, keyring, b"doc-1") == DOC


def test_same_document_encrypts_differently_each_time(keys):
    keyring = ring(f"k1:{keys['k1']}")
    assert encrypt(DOC, keyring) != encrypt(DOC, keyring)


def test_rotation_reencrypts_under_the_new_key_and_old_key_can_then_go(keys):
    old = ring(f"k1:{keys['k1']}")
    blob = encrypt(DOC, old, b"doc-1")
    both = ring(f"k2:{keys['k2']}", f"k1:{keys['k1']}")  # new key first: it is current
    assert decrypt(blob, both, b"doc-1") == DOC  # old blobs still open during the rotation
    rotated = rotate(blob, both, b"doc-1")
    assert key_id_of(rotated) == "k2"
    assert rotate(rotated, both, b"doc-1") is rotated  # already current: nothing to do
    new_only = ring(f"k2:{keys['k2']}")
    assert decrypt(rotated, new_only, b"doc-1") == DOC
    with pytest.raises(UndecryptableDocument, match="not configured"):
        decrypt(blob, new_only, b"doc-1")


@pytest.mark.parametrize("position", [3, 10, 20, -1])
def test_any_flipped_byte_is_detected(keys, position):
    keyring = ring(f"k1:{keys['k1']}")
    blob = bytearray(encrypt(DOC, keyring, b"doc-1"))
    blob[position] ^= 0x01
    with pytest.raises(UndecryptableDocument):
        decrypt(bytes(blob), keyring, b"doc-1")


def test_blob_moved_to_another_document_is_detected(keys):
    keyring = ring(f"k1:{keys['k1']}")
    with pytest.raises(UndecryptableDocument):
        decrypt(encrypt(DOC, keyring, b"doc-1"), keyring, b"doc-2")


def test_relabelled_key_id_is_detected(keys):
    # Same key under two ids: swapping the header must still fail, as the id is authenticated.
    keyring = ring(f"k1:{keys['k1']}", f"k9:{keys['k1']}")
    blob = encrypt(DOC, keyring)
    with pytest.raises(UndecryptableDocument):
        decrypt(b"k9" + blob[2:], keyring)


def test_development_key_comes_from_secret_key_and_still_opens_after_real_keys_arrive(keys):
    dev = Keyring.from_env({"SECRET_KEY": "dev-secret"})
    assert dev.current == DERIVED_KEY_ID
    blob = encrypt(DOC, dev)
    later = Keyring.from_env({"SECRET_KEY": "dev-secret", "SEVA_DOCUMENT_KEYS": f"k1:{keys['k1']}"})
    assert later.current == "k1"
    assert key_id_of(rotate(blob, later)) == "k1"


@pytest.mark.parametrize(
    "env",
    [{}, {"SEVA_DOCUMENT_KEYS": "k1:c2hvcnQ"}, {"SEVA_DOCUMENT_KEYS": "bad id:" + new_key()}],
    ids=["nothing-configured", "short-key", "bad-key-id"],
)
def test_bad_key_configuration_is_refused_clearly(env):
    with pytest.raises(KeyConfigError):
        Keyring.from_env(env)
