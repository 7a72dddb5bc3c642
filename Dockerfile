# The Symbl connector facade as a production image.
#   docker build -t symbl-connector .            (or: podman build --format docker -t symbl-connector .)
# Stage 1 builds the wheels into a virtualenv; stage 2 is the slim runtime (no compilers, no build
# tools, no pip), running `connector serve` as a non-root user with the store under /data.
# BASE: any image with python3 >= 3.11 and its venv module (the official slim image by default).
# PIP_OPTIONS: e.g. "--no-index" to build offline from wheels put in deploy/wheelhouse/
#   (`pip wheel -w deploy/wheelhouse . setuptools`).
ARG BASE=python:3.11-slim

FROM ${BASE} AS build
ARG PIP_OPTIONS=""
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python3 -m venv /opt/venv
COPY deploy/wheelhouse/ /wheelhouse/
COPY pyproject.toml README.md /src/
COPY connector/ /src/connector/
RUN /opt/venv/bin/pip install --find-links /wheelhouse ${PIP_OPTIONS} /src \
 && /opt/venv/bin/pip uninstall -y -q pip \
 && find /opt/venv -name "__pycache__" -prune -exec rm -rf {} +

FROM ${BASE}
LABEL org.opencontainers.image.title="symbl-connector" \
      org.opencontainers.image.description="Submit-and-wait and get-insights over Symbl.ai for Zapier, n8n and Make" \
      org.opencontainers.image.licenses="MIT"
RUN groupadd --gid 10001 connector \
 && useradd --uid 10001 --gid connector --home-dir /data --no-create-home --shell /usr/sbin/nologin connector \
 && mkdir -p /data \
 && chown connector:connector /data
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CONNECTOR_HOST=0.0.0.0 \
    PORT=8000 \
    CONNECTOR_STORE_URL=sqlite:////data/connector.db
USER connector
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
# `docker stop` sends SIGTERM: gunicorn stops accepting, waiting callers get a 202 with the IDs,
# and the workers exit within 30 s (give the container a stop timeout above that, e.g. 40 s).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
ENTRYPOINT ["connector"]
CMD ["serve"]
