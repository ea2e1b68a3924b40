# The lab as one image: one Streamlit replica per container. A class of 30 on one machine:
# `docker compose up` (compose.yaml: replicas behind HAProxy with cookie affinity); several
# machines: the same image behind any cookie-affinity balancer (README, "Teach a class").
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # One BLAS thread: the replicas share the cores. Two malloc arenas: glibc's default (8 per
    # core) keeps what session threads freed, and RSS only grows.
    OPENBLAS_NUM_THREADS=1 \
    MALLOC_ARENA_MAX=2

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code belongs to root and is read-only for the user that runs it.
COPY app.py ./
COPY .streamlit/config.toml .streamlit/config.toml
COPY engine engine
COPY ui ui
COPY lessons lessons
COPY assets assets
COPY scripts/serve.py scripts/serve.py
RUN useradd --system --create-home --uid 10001 learner
USER learner

EXPOSE 8501
# Streamlit's own liveness endpoint; the slim image has no curl, Python is there.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"]

# scripts/serve.py = `streamlit run app.py` with the imports done before the server listens.
# Every replica behind one balancer needs the same STREAMLIT_SERVER_COOKIE_SECRET (environment).
CMD ["python", "scripts/serve.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true"]
