# Rasa server and action server: Python 3.10, as Rasa 3.6 requires.
FROM python:3.10-slim-bookworm
WORKDIR /app
COPY requirements/rasa.txt requirements/rasa.lock requirements/
RUN pip install --no-cache-dir -r requirements/rasa.txt -c requirements/rasa.lock
COPY . .
ENV PYTHONPATH=/app
RUN rasa train --config config.yml --domain domain.yml --data data/nlu data/rules \
      --out models --fixed-model-name seva
ENTRYPOINT []
