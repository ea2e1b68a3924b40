"""What the "Learned from photos" view of the image-filters lesson says: the method, what it is
not, its link to the visual cortex, numbers read off a learned bank, and the messages around
learning. Pure functions of numbers (engine.filter_learning's results), no streamlit.
"""

from __future__ import annotations

import math
import re

import numpy as np

from ui.text import Message

ORIENTED = 0.5  # orientation selectivity at least this: "oriented" (white noise: about 0.1)
LOCALISED = 0.8  # RMS spread at most this fraction of an evenly spread patch's: "localised"
# Orientation bands, by the direction of a filter's wave vector θ (engine.filters' convention):
# θ = 0° varies along the rows' direction, so its stripes and edges run vertically.
BANDS = (("vertical ┃", 0.0), ("diagonal ╱", 45.0), ("horizontal ━", 90.0), ("diagonal ╲", 135.0))

INTRO = (
    "AlexNet's 96 first-layer filters look like the Gabor bank of the previous tab, yet nobody "
    "designed them: they were **learned**. Here you watch edge and stripe detectors emerge "
    "from data in about a second: thousands of small patches of photographs go in, no labels, "
    "no network, and a bank of filters comes out."
)
METHOD = (
    "**What it is: independent component analysis (ICA) of image patches.**\n\n"
    "1. Cut 20,000 small square patches at random places out of the photos (in grey, "
    "shrunk 2 × first) and remove each patch's mean: brightness is not a pattern.\n"
    "2. **Whiten** them with PCA: keep the strongest principal components and scale each to "
    "variance 1, so that no direction of patch space dominates. The components are smooth "
    "waves over the whole patch (below).\n"
    "3. **FastICA** (Hyvärinen & Oja, 2000) turns the whitened space until every output is as "
    "*sparse* as it can be: near 0 for most patches, large for a few. Those directions are "
    "the features: local, oriented edges and bars."
)
NOT = (
    "**What it is not: how AlexNet learned.** This is *unsupervised* learning of a "
    "one-layer linear code for patches: no labels, no loss on a task, no backpropagation, no "
    "convolution trained. AlexNet learned its filters by *supervised* backpropagation of a "
    "classification loss through eight layers, on 1.2 million labelled ImageNet photos. Two "
    "very different methods both end with Gabor-like filters, and that is the point: "
    "oriented edges and stripes are what natural images are made of, so a good first "
    "layer finds them, whatever it is trained for."
)
V1 = (
    "**Your visual cortex has such filters too.** Hubel and Wiesel (1959, 1962) found that "
    "*simple cells* in the primary visual cortex (V1) each respond to an edge or bar at one "
    "orientation in one small patch of the visual field; their receptive fields are well "
    "described by Gabor functions. Olshausen and Field (1996) showed that asking for a "
    "*sparse* code of natural image patches gives such receptive fields, and Bell and "
    "Sejnowski (1997) got them with ICA, the method used here. A leading explanation of why V1 "
    "looks the way it does: it codes natural images efficiently, with few cells active at a "
    "time."
)
PATCHES_NOTE = (
    "**What goes in:** 16 of the patches, mean removed, in grey (black to white, each on its "
    "own contrast)."
)
PCA_NOTE = (
    "**Whitening (PCA) alone:** the 16 strongest principal components. Smooth waves spread "
    "over the whole patch, from coarse to fine: they describe the patches' variance, not "
    "their parts."
)
CURVE_NOTE = (
    "**FastICA converging:** how far the filters turned in each iteration (1 − |cos| of the "
    "angle, log scale); it stops below the dashed line."
)
COLOURS = (
    "Each tile on its own contrast: its largest |value| at full colour, vermilion positive, "
    "blue negative, white 0. Grey lines separate the tiles."
)
SHOW = {
    "features": "Features: the pattern each one finds",
    "filters": "Filters: the weights, as a conv layer's",
}
SHOW_HELP = (
    "ICA gives two pictures per component. The **feature** is the patch it stands for (a "
    "patch is roughly the sum of the features, each weighted by its output): the smooth edges "
    "and bars usually shown. The **filter** is the weights: its output is the inner product "
    "of a patch with it, exactly what a convolution computes at each position. The filters "
    "are the features seen through the whitening, which boosts fine detail: same orientation, "
    "stripier."
)


def source_label(source: str, picture: str) -> str:
    """What the bank is learned from: the four sample photos, or the page's picture."""
    return "the four sample photos" if source == "photos" else picture


def learned_summary(
    *, n: int, k: int, source: str, n_patches: int, iterations: int, converged: bool, seed: int
) -> str:
    """One sentence on what was learned, from what, and how FastICA ended."""
    how = (
        f"FastICA converged in {iterations} iterations"
        if converged
        else f"FastICA stopped after {iterations} iterations without fully converging (the "
        "filters are still usable; another seed may settle)"
    )
    return (
        f"**{n} filters of {k} × {k}** learned from {n_patches:,} patches of {source} "
        f"(seed {seed}); {how}."
    )


def even_spread(k: int) -> float:
    """RMS distance from the centre, in pixels, of energy spread evenly over a k × k patch."""
    return math.sqrt(2 * (k * k - 1) / 12)


def orientation_counts(degrees: np.ndarray) -> list[tuple[str, int]]:
    """How many orientations fall in each of the four 45° bands (each band ±22.5°, mod 180°)."""
    d = np.mod(np.asarray(degrees, dtype=np.float64), 180.0)
    out = []
    for name, centre in BANDS:
        gap = np.abs((d - centre + 90.0) % 180.0 - 90.0)
        out.append((name, int(np.sum(gap < 22.5))))
    return out


def shape_numbers(
    selectivity: np.ndarray, spread: np.ndarray, degrees: np.ndarray, *, k: int, kind: str
) -> str:
    """What the numbers say about the learned bank: how many are oriented, how many localised,
    and at which orientations (the oriented ones). ``kind`` is "features" or "filters"."""
    sel = np.asarray(selectivity, dtype=np.float64)
    spr = np.asarray(spread, dtype=np.float64)
    n = sel.size
    oriented = sel >= ORIENTED
    even = even_spread(k)
    localised = spr <= LOCALISED * even
    both = int(np.sum(oriented & localised))
    bands = orientation_counts(np.asarray(degrees)[oriented])
    spread_bands = ", ".join(f"{count} {name}" for name, count in bands)
    return (
        f"**Read off the {n} {kind}** (from their power spectra and energy):\n\n"
        f"- **{int(oriented.sum())} of {n} are oriented**: their orientation selectivity is "
        f"at least {ORIENTED} on a scale where 1 means all the power along one orientation and "
        "white noise scores about 0.1. By orientation of their stripes or edges: "
        f"{spread_bands}.\n"
        f"- **{int(localised.sum())} of {n} are localised**: their energy lies within "
        f"{LOCALISED * even:.1f} px of its centre (RMS), where energy spread evenly over a "
        f"{k} × {k} patch lies {even:.1f} px out. Median: {float(np.median(spr)):.1f} px.\n"
        f"- **{both} are both**, like a Gabor filter: a stripe pattern under a window."
    )


def pending_message(*, n: int, k: int, source: str) -> Message:
    """Settings changed and not learned yet in this session: say what the button will do."""
    return Message(
        "info",
        f"Press **Learn filters** to learn {n} filters of {k} × {k} from {source} "
        "(a second or two; a bank someone on this server already learned comes back at once).",
        ":material/school:",
    )


def learn_error(message: str, *, what: str) -> Message:
    """The engine's ValueError about ``what`` (one picture) as a warning with a way forward."""
    text = re.sub(r"^Image 1 ", "It ", message.strip())
    return Message(
        "warning",
        f"No filters could be learned from {what}. {text} Choose **the four sample photos** "
        "above, or upload a larger photograph with edges and texture.",
        ":material/image_not_supported:",
    )


def progress_text(iteration: int, max_iter: int, change: float) -> str:
    return f"FastICA iteration {iteration} (at most {max_iter}): the filters turned by {change:.1e}"


def learned_caption(n: int, k: int, kind: str) -> str:
    return (
        f"**Learned here, without labels**: the {n} {k} × {k} {kind}, sorted by orientation. "
        + COLOURS
    )


def gabor_caption(n: int, k: int) -> str:
    return (
        f"**Designed by hand**: the Gabor tab's {n} filters of {k} × {k} (change them there). "
        "Same colours."
    )


def lenet_caption(epochs: int, accuracy: float | None) -> str:
    acc = f", {accuracy:.0%} right on the test digits".replace("%", " %") if accuracy else ""
    return (
        f"**Learned with labels**: your LeNet's six 5 × 5 conv1 filters after {epochs} "
        f"{'epoch' if epochs == 1 else 'epochs'}{acc}. Digits of 8 × 8 pixels are too small "
        "for clear Gabors; AlexNet's 224 × 224 photos are not."
    )


NO_LENET = (
    "**Learned with labels**: the LeNet you train on its own page. Train it for an epoch or "
    "two, then come back to see its six 5 × 5 first-layer filters here."
)


def montage_alt(n: int, k: int, kind: str, oriented: int) -> str:
    return (
        f"{n} learned {k} by {k} {kind} as a grid of small tiles, sorted by orientation; "
        f"{oriented} of them are oriented stripes or edges."
    )


def curve_alt(iterations: int, converged: bool) -> str:
    end = "converged" if converged else "stopped before converging"
    return (
        f"The change per FastICA iteration on a log scale, falling over {iterations} "
        f"iterations; {end}."
    )
