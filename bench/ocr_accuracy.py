"""Measures OCR field accuracy on the synthetic card set: baseline, language orders, segmentation modes.

Run: `.venv/bin/python bench/ocr_accuracy.py --n 60` (2 worker processes, OMP_THREAD_LIMIT=1).
Prints a Markdown table per configuration: fields exactly right, per field, and Verhoeff checks.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["OMP_THREAD_LIMIT"] = "1"

from backoffice.ocr import aadhaar, pan, preprocess, quality  # noqa: E402
from backoffice.ocr.extract import Pass, combine  # noqa: E402
from backoffice.ocr.tesseract import _lines_from_tsv, read_lines  # noqa: E402
from catalog.validation import is_aadhaar_number  # noqa: E402
from tests.backoffice.ocr import synthetic_cards  # noqa: E402

READERS = {"aadhaar": aadhaar.read, "pan": pan.read}
_PLAIN_AADHAAR = re.compile(r"(?<!\d)(\d{4}) ?(\d{4}) ?(\d{4})(?!\d)")

CONFIGS = {
    "grey hin+eng psm3": (Pass("grey", "hin+eng", 3),),
    "grey hin+eng psm4": (Pass("grey", "hin+eng", 4),),
    "grey hin+eng psm6": (Pass("grey", "hin+eng", 6),),
    "grey hin+eng psm11": (Pass("grey", "hin+eng", 11),),
    "grey eng+hin psm3": (Pass("grey", "eng+hin", 3),),
    "grey eng+hin psm4": (Pass("grey", "eng+hin", 4),),
    "grey eng+hin psm6": (Pass("grey", "eng+hin", 6),),
    "grey eng+hin psm11": (Pass("grey", "eng+hin", 11),),
    "grey eng | hin psm6 (separate passes)": (Pass("grey", "eng", 6), Pass("grey", "hin", 6)),
    "binary eng+hin psm6": (Pass("binary", "eng+hin", 6),),
    "grey+binary eng+hin psm6 (vote)": (Pass("grey", "eng+hin", 6), Pass("binary", "eng+hin", 6)),
    "grey+binary hin+eng psm6 (vote)": (Pass("grey", "hin+eng", 6), Pass("binary", "hin+eng", 6)),
}


def baseline(sample) -> dict[str, str]:
    """Plain `tesseract -l hin+eng` on the raw photo, then the same field regexes (no Verhoeff filter)."""
    done = subprocess.run(["tesseract", "stdin", "stdout", "-l", "hin+eng", "tsv"], input=sample.jpeg,
                          capture_output=True, check=True)  # fmt: skip
    lines = _lines_from_tsv(done.stdout.decode("utf-8", errors="replace"))
    fields = {k: v for k, (v, _) in READERS[sample.kind](lines).items()}
    if sample.kind == "aadhaar":
        fields.pop("aadhaar_number", None)
        plain = _PLAIN_AADHAAR.search("\n".join(line.text for line in lines))
        if plain:
            fields["aadhaar_number"] = "".join(plain.groups())
    return fields


def measure(args) -> dict[str, dict[str, str]]:
    """Fields read from one sample under the baseline and under every configuration asked for."""
    sample, names = args
    out = {"baseline": baseline(sample)}
    image = preprocess.decode(sample.jpeg)
    if not quality.assess(image).ok:
        return out | {name: {} for name in names}
    prepared = preprocess.prepare(image)
    cache: dict[Pass, list] = {}
    for name in names:
        readings = []
        for p in CONFIGS[name]:
            if p not in cache:
                cache[p] = read_lines(getattr(prepared, p.source), p.lang, p.psm)
            readings.append(READERS[sample.kind](cache[p]))
        out[name] = combine(readings)[0]
    return out


def main() -> None:
    """Generate the set, measure each configuration on 2 processes, print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated names")
    args = parser.parse_args()
    names = [n for n in args.configs.split(",") if n]
    samples = synthetic_cards.sample_set(args.n, args.seed)
    started = time.monotonic()
    with Pool(2) as pool:
        results = pool.map(measure, [(s, names) for s in samples])
    print(f"{len(samples)} cards (seed {args.seed}), {time.monotonic() - started:.0f} s\n")
    print("| configuration | fields right | aadhaar no. | name | name (Hindi) | DOB | gender | PAN | "
          "accepted Aadhaar no. passing Verhoeff |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name in ["baseline", *names]:
        right, total = 0, 0
        per = defaultdict(lambda: [0, 0])
        accepted, valid = 0, 0
        for sample, result in zip(samples, results, strict=True):
            got = result[name]
            for field, want in sample.truth.items():
                ok = got.get(field) == want
                right += ok
                total += 1
                per[field][0] += ok
                per[field][1] += 1
            if "aadhaar_number" in got:
                accepted += 1
                valid += is_aadhaar_number(got["aadhaar_number"])
        cells = [f"{per[f][0]}/{per[f][1]}" for f in ("aadhaar_number", "name", "name_hi", "dob", "gender",
                                                          "pan_number")]  # fmt: skip
        print(f"| {name} | **{100 * right / total:.1f} %** ({right}/{total}) | " + " | ".join(cells)
              + f" | {valid}/{accepted} |")  # fmt: skip
    if os.environ.get("SHOW_MISSES"):
        for sample, result in zip(samples, results, strict=True):
            for name in names:
                wrong = {
                    f: (result[name].get(f), w) for f, w in sample.truth.items() if result[name].get(f) != w
                }
                if wrong:
                    print(name, sample.kind, wrong)


if __name__ == "__main__":
    main()
