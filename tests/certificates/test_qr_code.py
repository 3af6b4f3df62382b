"""The QR symbol: the mask chosen scores lowest, and the code reads back."""

import numpy as np
import qrcode
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

from certificates.qr_code import build_qr, mask_penalty, read_qr_texts

ADDRESS = "HTTPS://SEVA.EXAMPLE.GOV.IN/VERIFY/DL-REV-2026-000042"
PAYLOAD = "SEVA1:6BFOXN%20TSMAHN-H3O4%25KOS+8*.$V/7:" * 7


def test_the_code_reads_back_as_address_then_payload(qr_picture):
    assert read_qr_texts(qr_picture(build_qr(ADDRESS, PAYLOAD).modules)) == [ADDRESS + "?p=" + PAYLOAD]


def test_the_chosen_mask_scores_lowest_of_the_eight():
    chosen = build_qr(ADDRESS, PAYLOAD)
    scores = []
    for mask in range(8):
        reference = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=mask
        )
        reference.add_data(QRData(ADDRESS.encode(), mode=MODE_ALPHA_NUM))
        reference.add_data(QRData(b"?p=", mode=MODE_8BIT_BYTE))
        reference.add_data(QRData(PAYLOAD.encode(), mode=MODE_ALPHA_NUM))
        reference.make(fit=True)
        scores.append(qrcode.util.lost_point(reference.modules))
        if reference.modules == chosen.modules:
            chosen_score = scores[-1]
    assert chosen_score == min(scores)
    assert mask_penalty(np.array(chosen.modules)) == chosen_score
