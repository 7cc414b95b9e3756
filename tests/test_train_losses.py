"""The losses and metrics of one example against hand-written numpy references (and optax's
cross-entropy), jitted and vmapped as the runner uses them; non-finite targets are left out,
with finite gradients; the registries name exactly the catalogue's losses and metrics."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from paradsl import catalogue
from paradsl.train.losses import LOSSES, cross_entropy, mse
from paradsl.train.metrics import METRICS, accuracy, distance_error, exact_match, pointer_accuracy

INF = np.float32(np.inf)


def _np_log_softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _np_cross_entropy(logits: np.ndarray, target: np.ndarray) -> float:
    logp = _np_log_softmax(logits)
    picked = np.take_along_axis(logp, target[..., None].astype(np.int64), axis=-1)
    return float(-picked.mean())


def _np_masked_mean(errors: np.ndarray, target: np.ndarray) -> float:
    finite = np.isfinite(target)
    return float(errors[finite].mean()) if finite.any() else 0.0


def _logits_and_target(draw, shape: tuple[int, ...], classes: int):
    logits = draw(hnp.arrays(np.float32, shape + (classes,), elements=st.floats(-20, 20, width=32)))
    target = draw(hnp.arrays(np.int32, shape, elements=st.integers(0, classes - 1)))
    return logits, target


#: A few shapes, a scalar's included: each new one is compiled anew, and the values vary.
SHAPES = st.sampled_from([(), (5,), (2, 3)])


@st.composite
def classified(draw):
    return _logits_and_target(draw, draw(SHAPES), draw(st.sampled_from([2, 5])))


@st.composite
def distances(draw):
    shape = draw(SHAPES)
    prediction = draw(hnp.arrays(np.float32, shape, elements=st.floats(-10, 10, width=32)))
    target = draw(hnp.arrays(np.float32, shape, elements=st.one_of(st.floats(0, 10, width=32), st.just(INF))))
    return prediction, target


# ---------------------------------------------------------------------- the registries


def test_the_registries_name_exactly_the_catalogues_losses_and_metrics():
    assert set(LOSSES) == set(catalogue.LOSSES)
    assert set(METRICS) == set(catalogue.METRICS)


def test_the_package_gives_the_registries():
    import paradsl.train as train

    assert train.LOSSES is LOSSES and train.METRICS is METRICS


# ---------------------------------------------------------------------- cross-entropy


@settings(max_examples=40, deadline=None)
@given(classified())
def test_cross_entropy_is_the_mean_negative_log_likelihood(case):
    logits, target = case
    got = float(_jitted_cross_entropy(logits, target))
    assert got == pytest.approx(_np_cross_entropy(logits, target), rel=1e-5, abs=1e-5)
    assert got == pytest.approx(float(_optax_cross_entropy(logits, target)), rel=1e-5, abs=1e-5)


_jitted_cross_entropy = jax.jit(cross_entropy)
_optax_cross_entropy = jax.jit(lambda logits, target: jnp.mean(
    optax.softmax_cross_entropy_with_integer_labels(logits, target)))


def test_cross_entropy_is_the_same_on_log_probabilities():
    logits = jax.random.normal(jax.random.key(0), (5, 7)) * 3
    target = jnp.arange(5) % 7
    assert float(cross_entropy(jax.nn.log_softmax(logits), target)) == pytest.approx(
        float(cross_entropy(logits, target)), rel=1e-6)


def test_cross_entropy_of_a_scalar_target_is_its_negative_log_likelihood():
    logits = jnp.array([1.0, 3.0, -2.0])
    expected = -(3.0 - np.log(np.exp(1.0) + np.exp(3.0) + np.exp(-2.0)))
    assert float(cross_entropy(logits, jnp.asarray(1))) == pytest.approx(expected, rel=1e-6)


def test_cross_entropy_of_a_sure_right_prediction_is_zero_and_its_gradient_pushes_the_target_up():
    target = jnp.array([2, 0])
    logits = jnp.array([[0.0, 0.0, 50.0], [50.0, 0.0, 0.0]])
    assert float(cross_entropy(logits, target)) == pytest.approx(0.0, abs=1e-6)
    grad = jax.grad(cross_entropy)(jnp.zeros((2, 3)), target)
    assert np.allclose(grad, np.array([[1, 1, -2], [-2, 1, 1]]) / 6, atol=1e-6)


def test_cross_entropy_trains_through_masked_logits():
    """A pointer model may give a non-neighbour the logit -inf: the loss and its gradient stay
    finite while the target's own logit is finite, and the masked logit gets no gradient."""
    logits = jnp.array([[1.0, -jnp.inf, 2.0], [0.0, 0.0, -jnp.inf]])
    target = jnp.array([0, 1])
    assert float(cross_entropy(logits, target)) == pytest.approx(
        _np_cross_entropy(np.array([[1.0, -1e30, 2.0], [0.0, 0.0, -1e30]]), np.array([0, 1])), rel=1e-6)
    grad = np.asarray(jax.grad(cross_entropy)(logits, target))
    assert np.isfinite(grad).all() and grad[0, 1] == 0 and grad[1, 2] == 0


# ---------------------------------------------------------------------- mse and distance_error


@settings(max_examples=40, deadline=None)
@given(distances())
def test_mse_and_distance_error_leave_out_non_finite_targets(case):
    prediction, target = case
    error = prediction.astype(np.float64) - np.where(np.isfinite(target), target, 0)
    assert float(mse(prediction, target)) == pytest.approx(_np_masked_mean(error**2, target), rel=1e-5, abs=1e-5)
    assert float(METRICS["mse"](prediction, target)) == float(mse(prediction, target))
    assert float(distance_error(prediction, target)) == pytest.approx(
        _np_masked_mean(np.abs(error), target), rel=1e-5, abs=1e-5)


@pytest.mark.parametrize("target", [np.array([0.0, INF, 2.0, -INF, np.nan], np.float32),
                                    np.array([INF, INF], np.float32)])
def test_gradients_are_finite_where_targets_are_not(target):
    prediction = jnp.asarray(np.linspace(-1, 1, target.size), jnp.float32)
    for fn in (mse, distance_error):
        grad = np.asarray(jax.grad(fn)(prediction, jnp.asarray(target)))
        assert np.isfinite(grad).all()
        assert (grad[~np.isfinite(target)] == 0).all()  # a left-out position is not trained
        assert np.isfinite(float(fn(prediction, jnp.asarray(target))))


def test_mse_gradient_is_twice_the_error_over_the_finite_positions():
    prediction, target = jnp.array([1.0, 5.0, 2.0]), jnp.array([0.0, INF, 4.0])
    assert np.allclose(jax.grad(mse)(prediction, target), [2 * 1 / 2, 0, 2 * -2 / 2])


def test_no_finite_target_gives_zero():
    assert float(mse(jnp.ones(3), jnp.full(3, INF))) == 0.0
    assert float(distance_error(jnp.ones(3), jnp.full(3, INF))) == 0.0


# ---------------------------------------------------------------------- classes metrics


@settings(max_examples=40, deadline=None)
@given(classified())
def test_accuracy_and_exact_match_are_numpys(case):
    logits, target = case
    hits = np.argmax(logits, axis=-1) == target
    assert float(accuracy(logits, target)) == pytest.approx(float(hits.mean()), abs=1e-6)
    assert float(exact_match(logits, target)) == float(hits.all())
    assert float(pointer_accuracy(logits, target)) == float(accuracy(logits, target))


def test_exact_match_is_all_or_nothing():
    logits = jnp.eye(4) * 5
    assert float(exact_match(logits, jnp.arange(4))) == 1.0
    assert float(exact_match(logits, jnp.array([0, 1, 2, 0]))) == 0.0
    assert float(accuracy(logits, jnp.array([0, 1, 2, 0]))) == 0.75


def test_pointer_accuracy_on_predecessors_of_a_graph():
    """Scores over the nodes for each node's predecessor: two of the three pointers right."""
    scores = jnp.array([[9.0, 0, 0], [9.0, 0, 0], [0, 9.0, 0]])
    assert float(pointer_accuracy(scores, jnp.array([0, 0, 0], jnp.int32))) == pytest.approx(2 / 3)


# ---------------------------------------------------------------------- as the runner uses them


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_losses_jit_vmap_and_differentiate(name: str):
    fn, (prediction, target) = LOSSES[name], _batch(name)
    per_example = jax.jit(jax.vmap(fn))(prediction, target)
    assert per_example.shape == (4,) and per_example.dtype == jnp.float32
    assert np.allclose(per_example, [fn(p, t) for p, t in zip(prediction, target)], rtol=1e-6)
    grad = jax.jit(jax.grad(lambda p: jnp.mean(jax.vmap(fn)(p, target))))(prediction)
    assert grad.shape == prediction.shape and np.isfinite(grad).all() and np.abs(grad).sum() > 0


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metrics_jit_and_vmap(name: str):
    fn, (prediction, target) = METRICS[name], _batch(name)
    per_example = jax.jit(jax.vmap(fn))(prediction, target)
    assert per_example.shape == (4,) and per_example.dtype == jnp.float32
    assert np.allclose(per_example, [fn(p, t) for p, t in zip(prediction, target)], rtol=1e-6)


def _batch(name: str) -> tuple[jax.Array, jax.Array]:
    """A batch of 4 examples for a loss or metric: logits over 5 classes at 3 positions and
    integer targets, or predictions and targets of one shape with an unreachable node."""
    key = jax.random.key(1)
    measure = catalogue.LOSSES.get(name) or catalogue.METRICS[name]
    if measure.kind is catalogue.RuleKind.SAME:
        target = jnp.abs(jax.random.normal(key, (4, 3)))
        return jax.random.normal(jax.random.key(2), (4, 3)), target.at[1, 2].set(jnp.inf)
    return jax.random.normal(key, (4, 3, 5)), jax.random.randint(jax.random.key(2), (4, 3), 0, 5)
