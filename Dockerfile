FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango and fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core fonts-liberation curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
RUN DJANGO_SETTINGS_MODULE=kamapp.settings.production SECRET_KEY=collectstatic-only-$(head -c 48 /dev/urandom | base64) \
    EMAIL_URL=console:// python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 kamapp && chown -R kamapp /app
USER kamapp
EXPOSE 8000
CMD ["gunicorn", "kamapp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
