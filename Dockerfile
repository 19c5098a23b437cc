# Portavoce: multi-stage build, runs as a non-root user, applies migrations on start.
FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir --upgrade pip
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY policies ./policies
COPY storage ./storage
COPY bench ./bench
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 portavoce
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER portavoce
WORKDIR /home/portavoce
ENV PORTAVOCE_DATABASE_URL=sqlite+aiosqlite:////home/portavoce/data/portavoce.db \
    PYTHONUNBUFFERED=1
RUN mkdir -p /home/portavoce/data
VOLUME ["/home/portavoce/data"]
# `portavoce run` applies pending migrations before serving; `db upgrade` is also available.
ENTRYPOINT ["portavoce"]
CMD ["run"]
