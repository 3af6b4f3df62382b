"""The one exception intake raises, carrying a reason code from the documents API contract."""

# The codes of `POST /api/v1/documents` 422 problems (docs/architecture.md).
CODES = ("corrupt", "encrypted", "too_large", "unsupported_type", "checksum_mismatch")


class DocumentRefused(ValueError):
    """An upload that will not be stored; `code` is one of CODES, `detail` says why in English."""

    def __init__(self, code: str, detail: str):
        if code not in CODES:
            raise ValueError(f"unknown refusal code {code!r}")
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
