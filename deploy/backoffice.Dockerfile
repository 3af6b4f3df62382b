# Back-office web app and Celery workers: Python 3.11 with Tesseract, Noto fonts and poppler.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin fonts-noto-core poppler-utils libzbar0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/backoffice.txt requirements/
RUN pip install --no-cache-dir -r requirements/backoffice.txt
COPY . .
ENV PYTHONPATH=/app FLASK_APP=backoffice
