"""TEST DOUBLE of the back-office document store (`POST /api/v1/documents`), until the real one lands, and of
the handover inbox's `POST /api/v1/handovers/messages` (backoffice/api/handover_routes.py).

It follows the contract in docs/architecture.md: photos are opened with Pillow, PDFs must start with
`%PDF-`; anything else is refused with a 422 problem carrying Meta-independent refusal codes.
"""

import hashlib
import io
import itertools

from aiohttp import web
from PIL import Image, UnidentifiedImageError

TOKEN = "test-backoffice-token"


def _problem(code: str, detail: str) -> web.Response:
    body = {"type": "about:blank", "title": "Document refused", "status": 422, "code": code, "detail": detail}
    return web.json_response(body, status=422, content_type="application/problem+json")


class DocumentStoreDouble:
    """Keeps accepted documents in memory so tests can look at what the channel stored."""

    def __init__(self) -> None:
        self.documents: dict[str, dict] = {}
        self._ids = itertools.count(1)
        # Messages the channel forwarded to the officer inbox; conversations listed here have no open handover.
        self.handed_over: list[dict] = []
        self.no_handover: set[str] = set()

    async def handover_message(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"title": "Unauthorized", "status": 401}, status=401)
        body = await request.json()
        if body.get("conversation") in self.no_handover:
            return web.json_response({"status": 404, "code": "not_found"}, status=404)
        self.handed_over.append(body)
        return web.json_response({"handover": 1, "status": "waiting", "message": len(self.handed_over)})

    async def post(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"title": "Unauthorized", "status": 401}, status=401)
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField) or not form.get("citizen"):
            return web.json_response({"title": "Bad Request", "status": 400}, status=400)
        data = upload.file.read()
        sha256 = hashlib.sha256(data).hexdigest()
        if form.get("sha256") and form["sha256"] != sha256:
            return _problem("checksum_mismatch", "the file does not match its sha256")
        if upload.content_type.startswith("image/"):
            try:
                with Image.open(io.BytesIO(data)) as image:
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError):
                return _problem("corrupt", "the image cannot be opened")
        elif upload.content_type == "application/pdf":
            if not data.startswith(b"%PDF-"):
                return _problem("corrupt", "the PDF cannot be opened")
        else:
            return _problem("unsupported_type", upload.content_type)
        doc_id = str(next(self._ids))
        self.documents[doc_id] = {
            "citizen": form["citizen"],
            "filename": upload.filename,
            "source": form.get("source"),
            "data": data,
        }
        answer = {"id": doc_id, "mime_type": upload.content_type, "size": len(data), "sha256": sha256}
        return web.json_response(answer, status=201)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/v1/documents", self.post)
        app.router.add_post("/api/v1/handovers/messages", self.handover_message)
        return app
