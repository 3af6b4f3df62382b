"""`flask ocr extract IMAGE --kind aadhaar`: prints what the OCR pipeline reads from a document, as JSON.

The app factory registers `ocr_cli` with `app.cli.add_command(ocr_cli)`; it also runs on its own:
`python -m backoffice.ocr.cli extract IMAGE --kind aadhaar`.
"""

import json
import sys

import click

from backoffice.documents.intake.accept import accept_upload
from backoffice.documents.intake.refusal import DocumentRefused
from backoffice.ocr.extract import KINDS, read_document
from backoffice.ocr.masking import storable_fields
from backoffice.ocr.messages import message_for
from backoffice.ocr.preprocess import UnreadableImage
from backoffice.ocr.tesseract import OcrFailed

ocr_cli = click.Group("ocr", help="Read identity documents with the OCR pipeline.")


@ocr_cli.command("extract")
@click.argument("image", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=click.Choice(KINDS), default="generic", show_default=True)
@click.option("--mask", is_flag=True, help="Mask the Aadhaar number as it would be stored.")
def extract_command(image: str, kind: str, mask: bool) -> None:
    """Print the kind, fields, confidence and quality read from IMAGE (a photo or a PDF's first page)."""
    with open(image, "rb") as handle:
        data = handle.read()
    try:
        page = accept_upload(data, filename=image).pages[0]
        result = read_document(page, kind).as_dict()
    except DocumentRefused as refused:
        _fail(refused.code, refused.detail)
    except (UnreadableImage, OcrFailed) as exc:
        _fail("unreadable", str(exc))
    if mask:
        result["fields"] = storable_fields(result["fields"])
    click.echo(json.dumps(result, ensure_ascii=False))


def _fail(code: str, detail: str) -> None:
    click.echo(json.dumps({"error": code, "detail": detail, "message": message_for(code, "en")}), err=True)
    sys.exit(2)


if __name__ == "__main__":
    ocr_cli()
