# Back-office web app, Celery worker and beat: Python 3.11 with Tesseract, Noto fonts, poppler and zbar.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin fonts-noto-core poppler-utils libzbar0 \
    && rm -rf /var/lib/apt/lists/*
# An unprivileged user runs every process; /data/documents is created owned by it so the named volume is too.
RUN groupadd --system --gid 10001 seva && useradd --system --uid 10001 --gid seva --home-dir /home/seva \
      --create-home seva && mkdir -p /data/documents /data/pki && chown -R seva:seva /data
WORKDIR /app
COPY requirements/backoffice.txt requirements/
RUN pip install --no-cache-dir -r requirements/backoffice.txt
COPY --chown=root:root . .
ENV PYTHONPATH=/app FLASK_APP=backoffice.app PYTHONDONTWRITEBYTECODE=1
USER seva
