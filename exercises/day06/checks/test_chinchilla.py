"""Checks of chinchilla.py: about 20 training tokens per parameter, every size in billions."""

import math

from hypothesis import given
from hypothesis import strategies as st

from grader.checks import close, equal, fail, number, raises

# Model sizes in billions of parameters: from 10M to 10T parameters.
sizes = st.floats(min_value=0.01, max_value=10_000, allow_nan=False, allow_infinity=False)

NOT_SIZES = [0, 0.0, -1, -7.5, math.nan, math.inf, -math.inf]


def test_lesson(submission):
    """optimal_tokens gives the lesson's table: 1B -> 20B, 3B -> 60B, 7B -> 140B, 70B -> 1,400B"""
    for params, tokens in [(1, 20), (3, 60), (7, 140), (13, 260), (70, 1400)]:
        close(submission.optimal_tokens(params), tokens)


def test_fractional(submission):
    """optimal_tokens works for sizes like 3.8B (Phi-3-mini -> 76B) and 2.7B (Phi-2 -> 54B)"""
    for params, tokens in [(3.8, 76), (2.7, 54), (0.135, 2.7)]:
        close(submission.optimal_tokens(params), tokens)


@given(sizes, st.floats(min_value=0.01, max_value=100))
def test_linear(submission, params, factor):
    """optimal_tokens is proportional: a model k times larger needs k times the tokens"""
    expected = factor * number(submission.optimal_tokens(params))
    close(submission.optimal_tokens(factor * params), expected)


@given(st.floats(min_value=1e-6, max_value=1e6))
def test_positive(submission, params):
    """optimal_tokens is positive for every positive size, even below 1B"""
    tokens = number(submission.optimal_tokens(params))
    if not tokens > 0:
        fail(
            f"optimal_tokens({params!r}) returned {tokens!r}; expected a positive number",
            got=tokens,
        )


def test_rejects_invalid(submission):
    """optimal_tokens raises ValueError for 0, negative sizes, NaN and infinities"""
    for bad in NOT_SIZES:
        with raises(ValueError, what=f"optimal_tokens({bad!r})"):
            submission.optimal_tokens(bad)


def test_rejects_bool(submission):
    """optimal_tokens(True) raises ValueError: a bool is not a model size"""
    for bad in (True, False):
        with raises(ValueError, what=f"optimal_tokens({bad!r})"):
            submission.optimal_tokens(bad)


def test_ratio_examples(submission):
    """tokens_per_parameter is tokens / params: Chinchilla 1,400 / 70 = 20, Llama 2 7B ~286"""
    close(submission.tokens_per_parameter(70, 1400), 20)
    close(submission.tokens_per_parameter(7, 2000), 2000 / 7)
    close(submission.tokens_per_parameter(3.8, 3300), 3300 / 3.8)
    close(submission.tokens_per_parameter(175, 300), 300 / 175)


@given(sizes)
def test_ratio_is_20(submission, params):
    """A model trained on optimal_tokens(p) sees 20 tokens per parameter"""
    tokens = submission.optimal_tokens(params)
    close(submission.tokens_per_parameter(params, tokens), 20)


def test_ratio_rejects_invalid(submission):
    """tokens_per_parameter raises ValueError when either argument is not a valid size"""
    for bad in [*NOT_SIZES, True]:
        for args in [(bad, 1400), (70, bad)]:
            with raises(ValueError, what=f"tokens_per_parameter{args!r}"):
                submission.tokens_per_parameter(*args)


def test_table(submission):
    """chinchilla_table([1, 7, 13, 70]) is {1: 20, 7: 140, 13: 260, 70: 1400}"""
    equal(submission.chinchilla_table([1, 7, 13, 70]), {1: 20, 7: 140, 13: 260, 70: 1400})
    equal(submission.chinchilla_table([]), {})
    with raises(ValueError, what="chinchilla_table([7, 0])"):
        submission.chinchilla_table([7, 0])


@given(st.lists(sizes, max_size=6, unique=True))
def test_table_any(submission, table_sizes):
    """chinchilla_table maps every size it is given, as a number, to optimal_tokens(size)"""
    expected = {size: submission.optimal_tokens(size) for size in table_sizes}
    equal(submission.chinchilla_table(table_sizes), expected)
