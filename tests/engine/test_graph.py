"""engine.graph: autodiff against central finite differences, and the lecture's numbers."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.backprop import (
    LECTURE_EXAMPLE,
    LECTURE_QUIZ,
    build_example,
    chain_gradients,
    chain_with,
    check_local_grads,
    parse_number,
)
from engine.graph import Value, evaluate, numeric_grad, numeric_local_grads, sigmoid


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def central_difference(f, args: list[float], i: int, h: float = 1e-6) -> float:
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


# -- one operation at a time, against a plain-float reference -------------------------------------

# (name, Value version, plain-float version, safe input range)
UNARY = [
    ("neg", lambda v: -v, lambda x: -x, (-5, 5)),
    ("square", lambda v: v**2, lambda x: x**2, (-5, 5)),
    ("cube", lambda v: v**3, lambda x: x**3, (-5, 5)),
    ("sqrt", lambda v: v**0.5, math.sqrt, (0.1, 5)),
    ("inverse", lambda v: v**-1, lambda x: 1 / x, (0.2, 5)),
    ("exp", lambda v: v.exp(), math.exp, (-5, 5)),
    ("log", lambda v: v.log(), math.log, (0.1, 5)),
    ("sigmoid", lambda v: v.sigmoid(), sig, (-8, 8)),
    ("tanh", lambda v: v.tanh(), math.tanh, (-4, 4)),
    ("radd", lambda v: 2 + v, lambda x: 2 + x, (-5, 5)),
    ("rsub", lambda v: 2 - v, lambda x: 2 - x, (-5, 5)),
    ("rmul", lambda v: 3 * v, lambda x: 3 * x, (-5, 5)),
    ("rdiv", lambda v: 3 / v, lambda x: 3 / x, (0.2, 5)),
]


@pytest.mark.parametrize(("name", "op", "ref", "bounds"), UNARY, ids=[u[0] for u in UNARY])
@settings(max_examples=50, deadline=None)
@given(u=st.floats(0, 1))
def test_unary_ops_match_reference_and_finite_differences(name, op, ref, bounds, u):
    x = bounds[0] + u * (bounds[1] - bounds[0])
    v = Value(x)
    out = op(v)
    out.backward()
    assert out.data == pytest.approx(ref(x), rel=1e-12, abs=1e-12)
    assert v.grad == pytest.approx(central_difference(ref, [x], 0), rel=1e-5, abs=1e-6)


BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: a + b),
    ("sub", lambda a, b: a - b, lambda a, b: a - b),
    ("mul", lambda a, b: a * b, lambda a, b: a * b),
    ("div", lambda a, b: a / b, lambda a, b: a / b),
]


@pytest.mark.parametrize(("name", "op", "ref"), BINARY, ids=[b[0] for b in BINARY])
@settings(max_examples=50, deadline=None)
@given(a=st.floats(-5, 5), b=st.floats(0.3, 5), sign=st.sampled_from([-1.0, 1.0]))
def test_binary_ops_match_finite_differences(name, op, ref, a, b, sign):
    b *= sign
    va, vb = Value(a), Value(b)
    out = op(va, vb)
    out.backward()
    assert out.data == pytest.approx(ref(a, b), rel=1e-12, abs=1e-12)
    assert va.grad == pytest.approx(central_difference(ref, [a, b], 0), rel=1e-5, abs=1e-6)
    assert vb.grad == pytest.approx(central_difference(ref, [a, b], 1), rel=1e-5, abs=1e-6)


# -- random compositions: whole graphs, with shared sub-expressions -------------------------------

# Operations that stay defined for every real input, so any composition is safe.
SAFE_UNARY = [
    (lambda v: v.sigmoid(), sig),
    (lambda v: v.tanh(), math.tanh),
    (lambda v: (v * v + 1).log(), lambda x: math.log(x * x + 1)),
    (lambda v: v.tanh().exp(), lambda x: math.exp(math.tanh(x))),
    (lambda v: 1 / (v * v + 1), lambda x: 1 / (x * x + 1)),
    (lambda v: 2 - v, lambda x: 2 - x),
    (lambda v: -v * 0.5, lambda x: -x * 0.5),
    (lambda v: v**2 / 4, lambda x: x**2 / 4),
]
SAFE_BINARY = [
    (lambda a, b: a + b, lambda a, b: a + b),
    (lambda a, b: a - b, lambda a, b: a - b),
    (lambda a, b: a * b, lambda a, b: a * b),
    (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
]


@settings(max_examples=80, deadline=None)
@given(
    xs=st.lists(st.floats(-2, 2), min_size=3, max_size=3),
    program=st.lists(
        st.tuples(st.booleans(), st.integers(0, 7), st.integers(0, 10), st.integers(0, 10)),
        min_size=1,
        max_size=8,
    ),
)
def test_random_graphs_match_central_finite_differences(xs, program):
    """Each instruction applies an op to earlier results, so nodes get reused freely."""

    def run(values, unary, binary):
        regs = list(values)
        for is_unary, op, i, j in program:
            a, b = regs[i % len(regs)], regs[j % len(regs)]
            regs.append(unary[op % len(unary)](a) if is_unary else binary[op % len(binary)](a, b))
        return regs[-1]

    def plain(*x):
        return run(x, [u[1] for u in SAFE_UNARY], [b[1] for b in SAFE_BINARY])

    leaves = [Value(x) for x in xs]
    out = run(leaves, [u[0] for u in SAFE_UNARY], [b[0] for b in SAFE_BINARY])
    assume(isinstance(out, Value) and abs(out.data) < 1e6)
    out.backward()
    assert out.data == pytest.approx(plain(*xs), rel=1e-9, abs=1e-12)
    for i, leaf in enumerate(leaves):
        expected = central_difference(plain, xs, i)
        assert leaf.grad == pytest.approx(expected, rel=1e-4, abs=1e-6)
        # the graph's own re-evaluation gives the same finite difference
        assert numeric_grad(out, leaf, h=1e-6) == pytest.approx(expected, rel=1e-6, abs=1e-8)


@settings(max_examples=50, deadline=None)
@given(z=st.floats(-20, 20).filter(lambda z: abs(z) > 1e-3))
def test_relu_gradient_is_one_above_zero_and_zero_below(z):
    v = Value(z)
    out = v.relu()
    out.backward()
    assert out.data == max(z, 0.0)
    assert v.grad == (1.0 if z > 0 else 0.0)
    assert v.grad == pytest.approx(central_difference(lambda t: max(t, 0.0), [z], 0, h=1e-4))


def test_relu_gradient_at_exactly_zero_is_zero_as_in_the_lecture():
    v = Value(0.0)
    v.relu().backward()
    assert v.grad == 0.0


# -- structure: reuse, repeated backward, long chains, forward order ------------------------------


def test_reused_node_collects_every_contribution():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert (a.grad, b.grad, c.grad) == (4.0, 2.0, 1.0)


def test_same_node_twice_in_a_product():
    a = Value(3.0)
    out = a * a  # d(a²)/da = 2a
    out.backward()
    assert a.grad == 6.0


def test_repeated_backward_gives_the_same_gradients():
    x, w = Value(0.5), Value(-1.5)
    out = (x * w + x).sigmoid() * x
    out.backward()
    first = (x.grad, w.grad)
    out.backward()
    out.backward()
    assert (x.grad, w.grad) == first


def test_ten_thousand_node_chain_has_no_recursion_limit():
    x = Value(0.3)
    out = x
    for _ in range(10_000):
        out = out.tanh() * 1.0001  # each step two new nodes and one constant
    out.backward()
    order = out.topological()
    assert len(order) == 1 + 3 * 10_000
    # The same derivative by the plain chain rule, multiplied along the chain.
    t, grad = 0.3, 1.0
    for _ in range(10_000):
        th = math.tanh(t)
        grad *= (1 - th * th) * 1.0001
        t = th * 1.0001
    assert out.data == pytest.approx(t, rel=1e-12)
    assert x.grad == pytest.approx(grad, rel=1e-9)


def test_topological_lists_each_node_once_operands_first():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    c = a * b
    d = c + a
    e = d * c
    order = e.topological()
    assert order[-1] is e
    assert len(order) == len({id(n) for n in order}) == 5
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for operand in node.operands:
            assert position[id(operand)] < position[id(node)]
    assert [n.label for n in order[:2]] == ["a", "b"]  # first operand first


def test_evaluate_reruns_forward_with_one_node_replaced():
    a, b = Value(2.0), Value(3.0)
    c = a * b + a
    assert evaluate(c) == 8.0
    assert evaluate(c, {id(a): 1.0}) == 4.0
    assert c.data == 8.0  # the graph itself is unchanged


def test_local_grads_are_the_operations_derivatives():
    a, b = Value(2.0), Value(-3.0)
    assert (a * b).local_grads == (-3.0, 2.0)
    assert (a / b).local_grads == pytest.approx((1 / -3, -2 / 9))
    assert (a - b).local_grads == (1.0, -1.0)
    s = a.sigmoid()
    assert s.local_grads[0] == pytest.approx(sig(2) * (1 - sig(2)))
    assert numeric_local_grads(a * b) == pytest.approx((-3.0, 2.0))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Value(1.0) / 0,
        lambda: Value(0.0).log(),
        lambda: Value(-2.0).log(),
        lambda: Value(1000.0).exp(),
        lambda: Value(-8.0) ** 0.5,
        lambda: Value(0.0) ** -1,
        lambda: Value(2.0) ** Value(2.0),
        lambda: Value(float("nan")),
        lambda: Value(float("inf")),
        lambda: Value("3"),
        lambda: Value(1e200) * 1e200,
    ],
)
def test_invalid_operations_raise_a_readable_value_error(make):
    with pytest.raises(ValueError, match=r"\w+ \w+"):
        make()


def test_sigmoid_is_stable_for_large_inputs():
    assert sigmoid(-1000.0) == 0.0
    assert sigmoid(1000.0) == 1.0
    assert sigmoid(-1.0) == pytest.approx(1 / (1 + math.e))


# -- the lecture's example and quiz ---------------------------------------------------------------


def test_lecture_example_with_plain_values():
    """x1 = 1, x2 = −1, w1 = 1, w2 = 2, y = 1: sigmoid and binary cross-entropy."""
    x1, x2, w1, w2 = Value(1.0), Value(-1.0), Value(1.0), Value(2.0)
    y = 1.0
    z = w1 * x1 + w2 * x2
    yhat = z.sigmoid()
    loss = -y * yhat.log() - (1 - y) * (1 - yhat).log()
    loss.backward()
    s = sig(-1)
    assert z.data == -1.0
    assert yhat.data == pytest.approx(s, rel=1e-15)
    assert loss.data == pytest.approx(-math.log(s), rel=1e-15)
    assert yhat.grad == pytest.approx((s - 1) / (s * (1 - s)), rel=1e-12)
    assert z.grad == pytest.approx(s - 1, rel=1e-12)
    assert w1.grad == pytest.approx(s - 1, rel=1e-12)
    assert round(w1.grad, 4) == -0.7311


def test_lecture_example_graph_and_its_steps():
    ex = build_example(**LECTURE_EXAMPLE)
    s = sig(-1)
    assert ex.values["z"] == -1.0
    assert ex.values["yhat"] == pytest.approx(s, rel=1e-15)
    assert ex.values["loss"] == pytest.approx(-math.log(s), rel=1e-15)
    assert ex.grads["yhat"] == pytest.approx((s - 1) / (s * (1 - s)), rel=1e-12)
    assert ex.edge("z", "yhat").local == pytest.approx(s * (1 - s), rel=1e-12)
    assert ex.grads["z"] == pytest.approx(s - 1, rel=1e-12)
    assert ex.edge("w1", "z").local == 1.0  # ∂z/∂w1 = x1
    assert ex.grads["w1"] == pytest.approx(s - 1, rel=1e-12)
    # forward steps fill z, ŷ, ℓ; backward steps start at ℓ and end at the inputs
    assert [st.node for st in ex.steps] == [
        "z", "yhat", "loss", "loss", "yhat", "z", "w1", "w2", "x1", "x2",
    ]  # fmt: skip
    for step in ex.steps[4:]:
        assert step.grad == pytest.approx(step.local * step.upstream, rel=1e-15)
        assert step.upstream == ex.grads[step.upstream_node]
    assert [s.upstream_node for s in ex.steps[4:]] == ["loss", "yhat", "z", "z", "z", "z"]


def test_lecture_quiz_relu_squared_loss():
    ex = build_example(**LECTURE_QUIZ)
    assert (ex.values["z"], ex.values["yhat"], ex.values["loss"]) == (3.0, 3.0, 4.0)
    assert ex.grads["yhat"] == 4.0
    assert ex.grads["z"] == 4.0
    assert ex.grads["w1"] == 4.0  # answer D
    assert ex.edge("z", "yhat").local == 1.0


@settings(max_examples=60, deadline=None)
@given(
    x1=st.floats(-3, 3), x2=st.floats(-3, 3), w1=st.floats(-3, 3), w2=st.floats(-3, 3),
    y=st.sampled_from([0.0, 1.0]), activation=st.sampled_from(["sigmoid", "relu"]),
    loss=st.sampled_from(["bce", "squared"]),
)  # fmt: skip
def test_example_gradients_match_finite_differences(x1, x2, w1, w2, y, activation, loss):
    try:
        ex = build_example(x1=x1, x2=x2, w1=w1, w2=w2, y=y, activation=activation, loss=loss)
    except ValueError:
        # only ReLU outputs outside (0, 1) are refused by the cross-entropy
        assert activation == "relu" and loss == "bce"
        return
    assume(activation != "relu" or abs(ex.values["z"]) > 1e-3)  # the kink
    assume(loss != "bce" or 1e-3 < ex.values["yhat"] < 1 - 1e-3)

    def plain(a1, a2, b1, b2):
        z = a1 * b1 + a2 * b2
        p = sig(z) if activation == "sigmoid" else max(z, 0.0)
        if loss == "squared":
            return (p - y) ** 2
        return -y * math.log(p) - (1 - y) * math.log(1 - p)

    args = [x1, x2, w1, w2]
    for i, key in enumerate(["x1", "x2", "w1", "w2"]):
        expected = central_difference(plain, args, i)
        assert ex.grads[key] == pytest.approx(expected, rel=1e-4, abs=1e-6)
        assert ex.grads_numeric[key] == pytest.approx(expected, rel=1e-4, abs=1e-6)
    for edge in ex.edges:
        assert edge.local == pytest.approx(edge.local_numeric, rel=1e-4, abs=1e-6)


def test_finite_differences_shrink_the_step_near_the_edge_of_the_domain():
    """ŷ = σ(12) is within 1e-5 of 1, so log(1 − ŷ − h) would leave the domain."""
    ex = build_example(x1=1, x2=3, w1=3, w2=3, y=0.0, activation="sigmoid", loss="bce")
    assert 1 - ex.values["yhat"] < 1e-5
    edge = ex.edge("yhat", "loss")
    assert edge.local_numeric == pytest.approx(edge.local, rel=1e-4)
    assert ex.grads_numeric["w1"] == pytest.approx(ex.grads["w1"], rel=1e-4)


def test_bce_refuses_a_relu_output_that_is_not_a_probability():
    with pytest.raises(ValueError, match="ReLU"):
        build_example(**{**LECTURE_QUIZ, "loss": "bce"})


def test_bce_refuses_a_saturated_sigmoid():
    with pytest.raises(ValueError, match="smaller"):
        build_example(x1=10, x2=10, w1=10, w2=10, y=1.0, activation="sigmoid", loss="bce")


@pytest.mark.parametrize(
    "kwargs", [{"activation": "step"}, {"loss": "hinge"}, {"y": 2.0}], ids=["act", "loss", "y"]
)
def test_bad_example_settings_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        build_example(**{**LECTURE_EXAMPLE, **kwargs})


# -- practice mode ---------------------------------------------------------------------------


def test_practice_marks_exactly_the_wrong_local_gradient():
    ex = build_example(**LECTURE_EXAMPLE)
    s = sig(-1)
    answers = {
        ("yhat", "loss"): (s - 1) / (s * (1 - s)),
        ("z", "yhat"): 0.25,  # σ'(0) instead of σ'(−1): wrong
        ("w1", "z"): 1.0,
        ("w2", "z"): -1.0,
    }
    checks = check_local_grads(ex, answers)
    assert {(c.edge.src, c.edge.dst): c.correct for c in checks} == {
        ("yhat", "loss"): True,
        ("z", "yhat"): False,
        ("w1", "z"): True,
        ("w2", "z"): True,
    }
    assert chain_with(ex, answers, "w1") == pytest.approx((s - 1) / (s * (1 - s)) * 0.25)
    assert chain_with(ex, {}, "w1") == pytest.approx(s - 1)


def test_practice_accepts_two_correct_decimals_only():
    ex = build_example(**LECTURE_EXAMPLE)
    [ok] = check_local_grads(ex, {("z", "yhat"): 0.20})
    [bad] = check_local_grads(ex, {("z", "yhat"): 0.21})
    assert ok.correct and not bad.correct


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.25", 0.25), ("−3.7183", -3.7183), ("1/4", 0.25), ("-1 / 2", -0.5), ("2,5", 2.5),
     (" 4 ", 4.0), ("1e-3", 0.001), (".5", 0.5)],
)  # fmt: skip
def test_parse_number_reads_what_learners_type(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1/0", "2**3", "__import__('os')", "1..2", "nan"])
def test_parse_number_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_number(text)


# -- vanishing gradients ----------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 12),
    activation=st.sampled_from(["sigmoid", "relu", "tanh"]),
    w=st.floats(-2, 2),
    b=st.floats(-1, 1),
    x=st.floats(-2, 2),
)
def test_chain_gradients_are_products_of_the_layer_factors(n, activation, w, b, x):
    res = chain_gradients(n, activation=activation, w=w, b=b, x=x)
    assert len(res.grad_w) == len(res.factors) == n
    derivative = {
        "sigmoid": lambda z: sig(z) * (1 - sig(z)),
        "relu": lambda z: 1.0 if z > 0 else 0.0,
        "tanh": lambda z: 1 - math.tanh(z) ** 2,
    }[activation]
    h_in = [x, *res.h[:-1]]
    for k in range(n):
        d = derivative(res.z[k])
        assert res.factors[k] == pytest.approx(w * d, rel=1e-12, abs=1e-300)
        # ∂h_n/∂h_(k−1) is the product of the factors of layers k..n, and
        # ∂h_n/∂w_k = (product of the factors above layer k) × act'(z_k) × h_(k−1)
        above = math.prod(res.factors[k + 1 :])
        assert res.grad_h[k] == pytest.approx(math.prod(res.factors[k:]), rel=1e-9, abs=1e-300)
        assert res.grad_w[k] == pytest.approx(above * d * h_in[k], rel=1e-9, abs=1e-300)


def test_sigmoid_chain_gradient_vanishes_and_relu_does_not():
    sig_chain = chain_gradients(20, activation="sigmoid", w=1.0, x=1.0)
    relu_chain = chain_gradients(20, activation="relu", w=1.0, x=1.0)
    assert all(f <= 0.25 for f in sig_chain.factors)  # σ' ≤ 1/4
    assert sig_chain.grad_w[0] < 0.25**19
    assert sig_chain.grad_w == sorted(sig_chain.grad_w)  # smaller the further from the output
    assert relu_chain.grad_w == [1.0] * 20


def test_chain_refuses_bad_settings():
    with pytest.raises(ValueError):
        chain_gradients(0)
    with pytest.raises(ValueError):
        chain_gradients(5, activation="step")
