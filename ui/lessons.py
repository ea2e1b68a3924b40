"""The lesson map: one place that lists every lesson page, its section and what it lets you do.

app.py builds the navigation from it and the home page builds its lesson map from it, so a new
lesson is one entry here (plus its page file).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    section: str
    path: str  # page script, relative to the app root
    title: str
    icon: str
    does: str  # one line: what the learner can do there
    url_path: str


SECTIONS = ("Start", "The neuron", "Multilayer perceptron", "Training", "Convolution", "CNNs")

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "The neuron",
        "lessons/perceptron.py",
        "Perceptron",
        ":material/linear_scale:",
        "Move a neuron's weights, then train it point by point and watch the line move.",
        "perceptron",
    ),
    Lesson(
        "Training",
        "lessons/backprop.py",
        "Backpropagation",
        ":material/account_tree:",
        "Step the lecture's graph forward and backward, check your own gradients, and watch "
        "gradients vanish along a chain of layers.",
        "backprop",
    ),
    Lesson(
        "CNNs",
        "lessons/lenet.py",
        "Train a LeNet",
        ":material/model_training:",
        "Train a small CNN on handwritten digits here: curves, confusion matrix, learned filters, "
        "and the feature maps of any test digit layer by layer.",
        "lenet",
    ),
)


def lessons_in(section: str) -> list[Lesson]:
    return [lesson for lesson in LESSONS if lesson.section == section]
