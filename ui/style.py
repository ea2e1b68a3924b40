"""One colour meaning per concept across the whole app (Okabe–Ito, colour-blind safe)."""

# Class k is always drawn in CLASS_COLOURS[k], on every page.
CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
# Signed quantities (weights, gradients, kernel entries): positive vs negative.
POSITIVE = "#D55E00"
NEGATIVE = "#0072B2"
# Diverging scale for signed maps (negative blue, zero white, positive vermilion).
DIVERGING = [[0.0, NEGATIVE], [0.5, "#F7F7F7"], [1.0, POSITIVE]]
HIGHLIGHT = "#CC79A7"  # the thing the learner is looking at right now (current point, window)
BOUNDARY = "#1B2330"  # decision boundaries and lines
MUTED = "#8A94A6"  # previous state, guides

FONT = "Source Sans Pro, sans-serif"


def class_colour(k: int) -> str:
    return CLASS_COLOURS[k % len(CLASS_COLOURS)]


def rgba(hex_colour: str, alpha: float) -> str:
    """'#RRGGBB' -> 'rgba(r, g, b, alpha)' for translucent fills."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def class_dots_css(container_key: str, n_classes: int) -> str:
    """CSS that puts a dot in class k's colour before the label of the (k+1)-th button inside
    the element with ``container_key``: a class picker (a segmented control with one option per
    class, then any others) speaks the charts' colours. Streamlit's own colour names are not
    this palette."""
    rules = (
        f".st-key-{container_key} button:nth-of-type({k + 1}) p::before "
        f"{{ content: '\\25CF\\00a0'; color: {class_colour(k)}; }}"
        for k in range(n_classes)
    )
    return "<style>" + "\n".join(rules) + "</style>"
