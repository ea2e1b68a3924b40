"""Suite-wide settings."""

import os

from hypothesis import HealthCheck, settings

# No per-example deadline: the suite shares 2 cores with a browser and Streamlit servers, and a
# slow example is not a wrong one. In CI the examples are derandomised so a run is reproducible.
settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "ci",
    parent=settings.get_profile("default"),
    derandomize=True,
    database=None,
)
settings.load_profile("ci" if os.environ.get("CI") else "default")
