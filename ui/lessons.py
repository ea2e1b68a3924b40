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


APP_TITLE = "Neural-network lab"
HOME_TITLE = "Start here"  # the home page: the lecture's question and the map of lessons

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
        "The neuron",
        "lessons/xor.py",
        "XOR and logic gates",
        ":material/join_inner:",
        "Watch one perceptron loop forever on XOR, design AND, OR, NAND and NOT by hand, then "
        "build XOR from two layers of them.",
        "xor",
    ),
    Lesson(
        "Multilayer perceptron",
        "lessons/mlp.py",
        "Multilayer perceptron",
        ":material/hub:",
        "Build a network of up to 6 hidden layers, train it live and watch the decision "
        "boundary, the curves and every hidden unit change.",
        "mlp",
    ),
    Lesson(
        "Training",
        "lessons/loss.py",
        "Loss functions",
        ":material/functions:",
        "Turn scores into probabilities with softmax, read off the cross-entropy, and see why "
        "classification does not use the squared loss.",
        "loss",
    ),
    Lesson(
        "Training",
        "lessons/sgd.py",
        "Gradient descent",
        ":material/trending_down:",
        "Race full-batch GD, minibatch and single-sample SGD down a loss surface; count epochs "
        "and iterations; push the learning rate until it diverges.",
        "sgd",
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
        "Convolution",
        "lessons/convolution.py",
        "Convolution arithmetic",
        ":material/grid_on:",
        "Slide a kernel over a padded input step by step, predict the output shape from stride "
        "and padding, add channels and filters, pool.",
        "convolution",
    ),
    Lesson(
        "Convolution",
        "lessons/filters.py",
        "Image filters",
        ":material/filter_vintage:",
        "Upload a picture (or pick the cat) and see what blur, edge and Gabor filters respond "
        "to, with stride, padding, ReLU and pooling; then watch such filters emerge from photos.",
        "filters",
    ),
    Lesson(
        "CNNs",
        "lessons/architectures.py",
        "Architectures",
        ":material/stacked_bar_chart:",
        "Follow LeNet, AlexNet, VGG, GoogLeNet, ResNet and DenseNet from 1998 to 2017: their "
        "shapes layer by layer, parameters and cost, side by side.",
        "architectures",
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
