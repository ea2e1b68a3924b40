"""`streamlit run app.py` for a server that runs all day: imports first, left sessions freed.

Same as `streamlit run app.py ARGS...` plus two things a class needs:

1. ui/preload.py (pandas, plotly, Pillow, the engine...) is imported here, in the main thread,
   before the server listens: no session races another to import them (see ui/preload.py), the
   first page of the day is as fast as the others, and a balancer's health check sees the
   replica up only when it is ready.
2. A reaper thread frees the sessions of learners who left. Streamlit keeps a closed tab's
   session for `server.disconnectedSessionTTL` (120 s) so that a reconnect finds it, but it
   drops an expired one only when another tab disconnects later, and then without shutting it
   down: its uploaded files stay in the upload manager and its media files stay referenced,
   and the session itself (full of reference cycles) waits for a full garbage collection that
   an idle server never runs. Measured on one process after 20 learners left: 20 sessions still
   alive 150 s later, RSS 388 MB; expiring them, `gc.collect()` and `malloc_trim` -> 316 MB.
   Every 30 s the reaper expires what is due, shuts those sessions down as Streamlit's own
   close does, collects, and gives the freed pages back to the OS.

Used by `make run`, `make classroom` (scripts/classroom.sh) and the Docker image.
"""

import ctypes
import ctypes.util
import gc
import logging
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory

from streamlit.web.cli import main  # noqa: E402

import ui.preload  # noqa: E402, F401 (the point of this launcher)

# Everything loaded so far (Streamlit, plotly's validators, pandas, the engine) lives as long as
# the server: move it out of the collector's sight, so that a full collection walks only what
# learners' sessions create. (.streamlit/config.toml turns Streamlit's collection after every
# run off; this keeps Python's own ones and the reaper's cheap.)
gc.collect()
gc.freeze()

REAP_EVERY = float(os.environ.get("NN_LAB_REAP_SECONDS", "30"))  # tests shorten it
_LOGGER = logging.getLogger("nn-lab.reaper")


def _malloc_trim():
    """glibc's malloc_trim, or None elsewhere (musl, macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def reap_left_sessions() -> int:
    """Shut down the disconnected sessions whose reconnect window is over; how many."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return 0
    # Streamlit 1.67's session manager keeps disconnected sessions in a TTL cache guarded by a
    # lock. These are private names: if a Streamlit upgrade moves them, reap nothing.
    manager = getattr(Runtime.instance(), "_session_mgr", None)
    cache = getattr(getattr(manager, "_session_storage", None), "_cache", None)
    lock = getattr(manager, "_storage_lock", None)
    if not hasattr(cache, "expire") or lock is None:
        raise AttributeError("Streamlit's session storage is not where this reaper expects it")
    with lock:
        expired = cache.expire()
    for _, info in expired:
        info.session.shutdown()  # what Runtime.close_session does for a stored session
    return len(expired)


def _reaper() -> None:
    trim = _malloc_trim()
    while True:
        time.sleep(REAP_EVERY)
        try:
            reaped = reap_left_sessions()
        except AttributeError as exc:
            _LOGGER.warning("Left sessions will not be reaped: %s", exc)
            return
        except Exception:  # never let housekeeping take the server down
            _LOGGER.exception("Reaping left sessions failed; trying again later")
            continue
        # A full collection every REAP_EVERY seconds whether or not anyone left: with no
        # collection after each run (.streamlit/config.toml), this bounds how long cyclic
        # garbage of finished runs is kept.
        gc.collect()
        if reaped and trim is not None:
            trim(0)


if __name__ == "__main__":
    threading.Thread(target=_reaper, name="reap-left-sessions", daemon=True).start()
    sys.exit(main(["run", str(ROOT / "app.py"), *sys.argv[1:]]))
