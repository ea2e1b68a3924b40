"""`streamlit run app.py`, with the app's modules imported before the server listens.

Same as `streamlit run app.py ARGS...` except that ui/preload.py (pandas, plotly, Pillow, the
engine...) is imported here, in the main thread, before the first learner connects: no session
races another to import them (see ui/preload.py), the first page of the day is as fast as the
others, and a load balancer's health check sees the replica up only when it is ready.
Used by `make classroom` (scripts/classroom.sh) and the Docker image.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory

from streamlit.web.cli import main  # noqa: E402

import ui.preload  # noqa: E402, F401 (the point of this launcher)

if __name__ == "__main__":
    sys.exit(main(["run", str(ROOT / "app.py"), *sys.argv[1:]]))
