"""Every quiz of the lab in one place: the lecture's own questions and the ones we wrote.

Each question says where it comes from (``source``), so that its heading ("Quiz break" for the
lecture's, "Check yourself" for ours) is data, not something a page must remember. Where an
explanation quotes a number, the number is computed by the engine, not typed in.
"""

from __future__ import annotations

import math
from functools import cache

from engine.architectures import summarize, totals
from engine.backprop import LECTURE_QUIZ, build_example
from ui.formatting import num
from ui.frame import QuizQuestion

# The lecture's cross-entropy quiz: "The output probabilities of a network on classes 1 to 5 are
# shown in the figure. If the label is class 3, which is the cross-entropy loss for this data
# point?" with the options below. The slide's bar chart is an image that the lecture text does not
# contain; these bars are a reconstruction that fits the options: the true class 3 gets 0.05, the
# most likely class gets 0.90 and the least likely 0.01 (the distractors), the rest 0.02 each.
CE_QUIZ_PROBS = (0.01, 0.90, 0.05, 0.02, 0.02)
CE_QUIZ_LABEL = 3
CE_QUIZ_OPTIONS = ("−log(0.05)", "−log(0.01)", "−log(3)", "−log(0.90)")
CE_QUIZ_ANSWER = 0  # −log p_3 = −log(0.05)
CE_RECONSTRUCTION_NOTE = (
    "The lecture shows these bars as a picture that its text does not contain; the bars here "
    "are our reconstruction, chosen to fit the quiz's four options."
)

PERCEPTRON_OPTIONS = (
    "Perceptron only works if the data is linearly separable.",
    "Perceptron can learn AND function",
    "Perceptron can learn XOR function",
    "Perceptron is a supervised learning algorithm",
)


def perceptron_quiz(key: str, explanation: str) -> QuizQuestion:
    """The lecture's perceptron quiz (asked on the perceptron and the XOR pages)."""
    return QuizQuestion(
        key=key,
        question="Which one of the following is NOT true about perceptron?",
        options=PERCEPTRON_OPTIONS,
        answer=2,
        explanation=explanation,
        source="lecture",
        hint="Which of the four truth tables cannot be cut by one straight line?",
    )


def cross_entropy_quiz(key: str, *, where: str) -> QuizQuestion:
    """The lecture's cross-entropy quiz; ``where`` says where the bars are on the page."""
    p_y = CE_QUIZ_PROBS[CE_QUIZ_LABEL - 1]
    return QuizQuestion(
        key=key,
        question=(
            f"The output probabilities of a network on classes 1 to 5 are shown in {where}. "
            f"If the label is class {CE_QUIZ_LABEL}, which is the cross-entropy loss for this "
            "data point?"
        ),
        options=CE_QUIZ_OPTIONS,
        answer=CE_QUIZ_ANSWER,
        explanation=(
            f"With a one-hot label only the true class counts: ℓ = −log p₃ = −log({p_y:.2f}) "
            f"≈ {-math.log(p_y):.4f}. The network's favourite, class 2 with 0.90, does not "
            "enter the loss; −log(3) mixes up the class number with a probability."
        ),
        source="lecture",
        hint="The loss reads one bar only: which one does the label point at?",
    )


PERCEPTRON = (
    perceptron_quiz(
        "perceptron_quiz",
        "A single perceptron draws one straight line, and no line puts (0,1) and (1,0) on one "
        "side with (0,0) and (1,1) on the other: XOR is not linearly separable (Minsky & "
        "Papert, 1969). Try it: pick the XOR gate above and run to the end.",
    ),
)

XOR = (
    perceptron_quiz(
        "xor_quiz",
        "XOR is not linearly separable, and one perceptron only draws a line: on XOR its "
        "training loops forever (tab 1), and no weights you set get more than 3 of the 4 rows "
        "right (tab 2). Two layers of perceptrons do compute it (tab 3).",
    ),
)

LOSS = (cross_entropy_quiz("loss_quiz", where="the figure"),)
MLP = (cross_entropy_quiz("mlp_quiz", where="the figure below"),)

SGD = (
    QuizQuestion(
        key="sgd_quiz_iters",
        question=(
            "A training set has n = 1000 points. Minibatch SGD runs with batch size b = 64, each "
            "epoch partitioning the data into batches. How many iterations (updates) does one "
            "epoch make?"
        ),
        options=("1", "15", "16", "64"),
        answer=2,
        explanation=(
            f"⌈1000 / 64⌉ = {math.ceil(1000 / 64)}: fifteen batches of 64 points and a last one "
            "of 40. Full-batch GD would make 1 update per epoch, single-sample SGD 1000."
        ),
        source="ours",
        hint="Count the batches, and do not forget the last, smaller one.",
    ),
    QuizQuestion(
        key="sgd_quiz_lr",
        question=(
            "Full-batch gradient descent's loss goes up and down from one iteration to the next "
            "and never settles. What is the first thing to try?"
        ),
        options=(
            "A larger learning rate",
            "A smaller learning rate",
            "More epochs",
            "A smaller batch",
        ),
        answer=1,
        explanation=(
            "Full-batch GD has no sampling noise, so a loss that rises means the steps overshoot "
            "the valley: α is too large (above 2 / λ_max near the minimum). Try the 'Bouncing' "
            "preset above, then halve α."
        ),
        source="ours",
        hint="Full-batch GD has no sampling noise: what else makes a step land too far?",
    ),
)


@cache
def backprop() -> tuple[QuizQuestion, ...]:
    qz = build_example(**LECTURE_QUIZ)
    v, g = qz.values, qz.grads
    return (
        QuizQuestion(
            key="backprop_quiz",
            question=(
                "x₁ = 1, x₂ = −1, w₁ = 1, w₂ = −2, y = 1, ŷ = ReLU(w₁x₁ + w₂x₂), "
                "ℓ(x, y) = (ŷ − y)². What is the value of ∂ℓ/∂w₁?"
            ),
            options=("1", "2", "3", "4"),
            answer=3,
            explanation=(
                f"Forward: z = {num(v['z'], digits=4)}, ŷ = {num(v['yhat'], digits=4)}, "
                f"ℓ = {num(v['loss'], digits=4)}. Backward: ∂ℓ/∂ŷ = 2(ŷ − y) = "
                f"{num(g['yhat'], digits=4)}, ∂ℓ/∂z = {num(g['yhat'], digits=4)} × "
                f"{num(qz.edge('z', 'yhat').local, digits=4)} = {num(g['z'], digits=4)} (the "
                "gradient of ReLU(z) is 1 when z > 0, and 0 otherwise), ∂ℓ/∂w₁ = "
                f"{num(g['z'], digits=4)} × x₁ = {num(g['w1'], digits=4)}. Load the quiz "
                "example above to step through it."
            ),
            source="lecture",
            hint="Go forward first (z, then ŷ), then multiply the local gradients back to w₁.",
        ),
    )


CONVOLUTION = (
    QuizQuestion(
        key="conv_quiz_d2l",
        question="An 8 × 8 input, a 3 × 3 kernel, padding 1 on every side, stride 2: what is the "
        "output shape?",
        options=("3 × 3", "4 × 4", "7 × 7", "8 × 8"),
        answer=1,
        explanation="p_h = 2 (one row above, one below): ⌊(8 − 3 + 2 + 2)/2⌋ = ⌊9/2⌋ = 4, and the "
        "same for the width. Set it up above and the last padded row stays unread.",
        source="ours",
        hint="Padding counts on both sides: p_h = 2. Then ⌊(n − k + p + s)/s⌋.",
    ),
    QuizQuestion(
        key="conv_quiz_alexnet_shape",
        question="AlexNet's first layer (as in torchvision): a 224 × 224 RGB image, 11 × 11 "
        "kernels, stride 4, padding 2 per side. How tall is its output?",
        options=("54", "55", "56", "224"),
        answer=1,
        explanation="⌊(224 − 11 + 4 + 4)/4⌋ = ⌊221/4⌋ = ⌊55.25⌋ = 55.",
        source="ours",
        hint="Padding 2 per side makes p = 4; the formula rounds down.",
    ),
    QuizQuestion(
        key="conv_quiz_alexnet_params",
        question="The lecture's AlexNet conv1 has 96 filters, each 11 × 11 × 3. How many "
        "parameters does the layer have, with one bias per filter?",
        options=("96", "34,848", "34,944", "290,400"),
        answer=2,
        explanation="Weights 96 × 3 × 11 × 11 = 34,848, plus 96 biases = 34,944. Each filter "
        "gives one output channel, so the layer outputs 96 channels.",
        source="ours",
        hint="Every filter has 11 × 11 × 3 weights, and one bias of its own.",
    ),
)

FILTERS = (
    QuizQuestion(
        key="filters_q_channels",
        question="One 3 × 3 filter is applied to an RGB picture (3 input channels). How many "
        "output channels does it produce?",
        options=("3", "1", "9", "27"),
        answer=1,
        explanation="The filter has a 3 × 3 kernel per input channel; the three responses are "
        "summed, so each 3-D filter gives one output channel. More output channels need more "
        "filters.",
        source="ours",
        hint="What happens to the three per-channel responses before they are written out?",
    ),
    QuizQuestion(
        key="filters_q_alexnet",
        question="AlexNet's conv1 applies 96 filters of 11 × 11 × 3 with stride 4 and no padding "
        "to a 227 × 227 × 3 image. What shape is its output?",
        options=("54 × 54 × 96", "55 × 55 × 3", "55 × 55 × 96", "57 × 57 × 96"),
        answer=2,
        explanation="⌊(227 − 11 + 0 + 4) / 4⌋ = ⌊220 / 4⌋ = 55 for height and width, and one "
        "output channel per filter: 96.",
        source="ours",
        hint="One output channel per filter; the side is ⌊(n − k + p + s)/s⌋.",
    ),
    QuizQuestion(
        key="filters_q_pattern",
        question="Why does a filter respond most where the picture looks like its kernel?",
        options=(
            "Convolution blurs away everything else",
            "The ReLU removes the other places",
            "Each output entry is the inner product of the kernel and the window, which "
            "measures their similarity",
            "Max pooling picks the matching window",
        ),
        answer=2,
        explanation="Flatten kernel and window into vectors: the output entry is their inner "
        "product, largest when the window has the kernel's pattern (for windows of similar "
        "brightness).",
        source="ours",
        hint="Write one output entry as a sum of products: what is that sum for two vectors?",
    ),
)


@cache
def architectures() -> tuple[QuizQuestion, ...]:
    lenet_conv1 = summarize("lenet5")[0]["params"]
    vgg = totals(summarize("vgg16"))
    vgg_fc = vgg.params_by_type["fully connected"] / vgg.params
    return (
        QuizQuestion(
            key="architectures_quiz_conv1",
            question=(
                "LeNet-5's first layer has 6 filters of size 5×5 on a 1-channel 28×28 image, each "
                "with a bias. How many parameters does it have?"
            ),
            options=("25", "150", "156", "4,704"),
            answer=2,
            explanation=(
                f"Each filter has 1 × 5 × 5 = 25 weights and one bias: 6 × 26 = {lenet_conv1}. "
                "The image size does not matter: the same small filter slides over every "
                "position (4,704 = 6 × 28 × 28 is the number of outputs)."
            ),
            source="ours",
            hint="Does the image size enter a filter's weights?",
        ),
        QuizQuestion(
            key="architectures_quiz_vgg",
            question="Where are most of VGG-16's 138 million parameters?",
            options=(
                "In its thirteen 3×3 convolution layers",
                "In its three fully connected layers",
                "Evenly spread over all layers",
            ),
            answer=1,
            explanation=(
                f"{vgg_fc:.0%} of them are in the fully connected layers; fc6 alone connects "
                "512 × 7 × 7 = 25,088 inputs to 4,096 outputs (102.8 M weights). Pick VGG-16 "
                "above and look at the share-of-parameters column."
            ),
            source="ours",
            hint="A 3×3 convolution reuses its few weights everywhere; a dense layer does not.",
        ),
        QuizQuestion(
            key="architectures_quiz_gap",
            question=(
                "ResNet-50 accepts a 320×320 image with exactly the same 25,557,032 parameters as "
                "at 224×224; LeNet-5 on a 32×32 image needs more. Why?"
            ),
            options=(
                "ResNet resizes every image to 224×224 first",
                "Global average pooling turns any H×W feature map into one number per channel",
                "ResNet has no fully connected layer",
            ),
            answer=1,
            explanation=(
                "Before its fully connected layer ResNet averages each of its 2,048 channels "
                "over the whole feature map, so fc always sees 2,048 inputs. LeNet flattens its "
                "last 16×H×W map, so fc1's weights grow with the input. Try it above: set "
                "LeNet-5's input to 32×32."
            ),
            source="ours",
            hint="What does ResNet do to its last feature map before the dense layer?",
        ),
    )


LENET = (
    QuizQuestion(
        key="lenet_quiz",
        question=(
            "The first layer has 6 filters of size 5 × 5 on a 1-channel image. How many "
            "parameters does it have?"
        ),
        options=("25", "150", "156", "384"),
        answer=2,
        explanation=(
            "Each filter has 5 × 5 × 1 = 25 weights and one bias: 6 × 26 = 156, the conv1 row of "
            "the layer table. (384 = 6 × 8 × 8 is the size of its output, not its parameters.)"
        ),
        source="ours",
        hint="Weights per filter, plus one bias each.",
    ),
    QuizQuestion(
        key="lenet_quiz_pool",
        question="conv2 outputs 16 × 4 × 4. What comes out of a 2 × 2 pooling with stride 2?",
        options=("16 × 2 × 2", "8 × 4 × 4", "16 × 3 × 3", "4 × 2 × 2"),
        answer=0,
        explanation=(
            "Pooling works on each channel separately, so the 16 channels stay; each side "
            "becomes ⌊(4 − 2 + 2) / 2⌋ = 2. The 16 × 2 × 2 = 64 numbers are the dense layers' "
            "input."
        ),
        source="ours",
        hint="Does pooling mix channels?",
    ),
)
