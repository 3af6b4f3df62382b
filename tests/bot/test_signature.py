"""The webhook signature check."""

from whatsapp_contract.signature import sign, verify_signature

BODY = (
    b'{"object":"whatsapp_business_account","entry":[{"text":"\\u0928\\u092e\\u0938\\u094d\\u0924\\u0947"}]}'
)


def test_meta_signature_over_raw_bytes_verifies():
    assert verify_signature("s3cret", BODY, sign("s3cret", BODY))


def test_signature_of_reserialised_json_does_not_verify():
    import json

    reserialised = json.dumps(json.loads(BODY), ensure_ascii=False).encode()
    assert not verify_signature("s3cret", BODY, sign("s3cret", reserialised))


def test_forged_missing_or_malformed_signatures_are_refused():
    good = sign("s3cret", BODY)
    assert not verify_signature("s3cret", BODY, sign("other", BODY))
    assert not verify_signature("s3cret", BODY, None)
    assert not verify_signature("s3cret", BODY, "")
    assert not verify_signature("s3cret", BODY, good.removeprefix("sha256="))
    assert not verify_signature("s3cret", BODY, "sha1=" + good[7:])
    assert not verify_signature("s3cret", BODY + b" ", good)
    assert not verify_signature("s3cret", BODY, "sha256=ज़" + good[8:])
    assert not verify_signature("", BODY, sign("", BODY))
