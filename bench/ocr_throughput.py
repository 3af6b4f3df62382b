"""Measures OCR throughput on 2 cores and the time from upload to verdict.

Each document goes the whole way a real one does: intake checks and cleaning, encryption at rest,
decryption, quality gate, preprocessing, Tesseract passes, field votes and the cross-check.
Run: `.venv/bin/python bench/ocr_throughput.py --n 40` (2 worker processes, OMP_THREAD_LIMIT=1;
`--omp-threads 2` shows what letting Tesseract's OpenMP threads compete costs).
"""

import argparse
import hashlib
import os
import statistics
import sys
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SEVA_DOCUMENT_KEYS", "bench:" + "A" * 43)

from backoffice.documents.intake.accept import accept_upload  # noqa: E402
from backoffice.documents.intake.encryption import Keyring, decrypt, encrypt  # noqa: E402
from backoffice.ocr.crosscheck import cross_check  # noqa: E402
from backoffice.ocr.extract import read_document  # noqa: E402
from tests.backoffice.ocr import synthetic_cards  # noqa: E402


def upload_to_verdict(sample) -> tuple[float, str]:
    """Process one upload end to end; return the seconds it took and the verdict."""
    started = time.perf_counter()
    keyring = Keyring.from_env()
    accepted = accept_upload(
        sample.jpeg, declared_mime="image/jpeg", sha256=hashlib.sha256(sample.jpeg).hexdigest()
    )
    stored = encrypt(accepted.content, keyring, b"bench")
    extraction = read_document(decrypt(stored, keyring, b"bench"), sample.kind)
    answers = {"name": sample.truth["name"], "dob": sample.truth["dob"]}
    verdict = cross_check(extraction, answers)
    return time.perf_counter() - started, verdict.verdict


def main() -> None:
    """Run N documents through 2 workers; print documents per minute and latency percentiles."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--omp-threads", type=int, default=1, help="OMP_THREAD_LIMIT for each Tesseract")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = str(args.omp_threads)  # inherited by the workers and their Tesseracts
    samples = synthetic_cards.sample_set(args.n, args.seed)
    with Pool(args.workers) as pool:
        pool.map(upload_to_verdict, samples[:2])  # warm up imports and Tesseract's model cache
        started = time.perf_counter()
        results = pool.map(upload_to_verdict, samples, chunksize=1)
        elapsed = time.perf_counter() - started
    times = sorted(t for t, _ in results)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    verdicts = {v: sum(1 for _, x in results if x == v) for v in ("match", "mismatch", "unreadable")}
    print(
        f"{args.n} documents, {args.workers} workers, OMP_THREAD_LIMIT=1, load average {os.getloadavg()[0]:.2f}"
    )
    print(f"throughput: {60 * args.n / elapsed:.1f} documents/minute")
    print(
        f"upload to verdict (per document, no queueing): median {statistics.median(times):.2f} s, p95 {p95:.2f} s"
    )
    print(f"verdicts: {verdicts}")


if __name__ == "__main__":
    main()
