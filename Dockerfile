# The portal behind gunicorn; static files served by WhiteNoise.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint needs Pango; gettext compiles the translations; fonts with accents for PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 gettext fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
# Build-time only: the real SECRET_KEY comes from the environment at run time.
RUN DJANGO_DEBUG=true python manage.py compilemessages --ignore=.venv \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 portal && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# Migrations run on start (idempotent), then gunicorn serves.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_WORKERS:-3} --timeout 120 --access-logfile -"]
