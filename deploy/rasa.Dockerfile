# Rasa server and action server: Python 3.10, as Rasa 3.6 requires.
FROM python:3.10-slim-bookworm
RUN groupadd --system --gid 10001 seva && useradd --system --uid 10001 --gid seva --home-dir /home/seva \
      --create-home seva
WORKDIR /app
COPY requirements/rasa.txt requirements/rasa.lock requirements/
RUN pip install --no-cache-dir -r requirements/rasa.txt -c requirements/rasa.lock
COPY --chown=root:root . .
ENV PYTHONPATH=/app PYTHONDONTWRITEBYTECODE=1 HOME=/home/seva
# The model is trained into the image, so every Rasa container answers with the same one.
RUN rasa train --config config.yml --domain domain.yml --data data/nlu data/rules \
      --out models --fixed-model-name seva
USER seva
ENTRYPOINT []
