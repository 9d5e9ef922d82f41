# One image for every role of the portal: web (the default command: gunicorn), worker
# (`python manage.py run_worker`) and scheduler (`python manage.py run_scheduler`);
# docker-compose.yml builds it once and gives each service its command.
# Production dependencies only (requirements.lock); .dockerignore leaves out the tests,
# the development lock and tools.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3
# WeasyPrint needs Pango; gettext compiles the translations; fonts with accents for PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 gettext fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
# Build-time only: the real SECRET_KEY comes from the environment at run time.
RUN DJANGO_DEBUG=true python manage.py compilemessages --ignore=.venv \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 --home-dir /app portal \
 && mkdir -p /app/media && chown portal /app/media
USER portal
EXPOSE 8000
# Exec form, so gunicorn itself receives SIGTERM and stops gracefully (compose also
# runs an init as PID 1). Workers: WEB_CONCURRENCY. Migrations are not run here: the
# one-shot `migrate` service (or `python manage.py migrate`) runs them before start.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--timeout", "120", "--access-logfile", "-", "--no-control-socket"]
