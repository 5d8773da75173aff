"""Checks of adder.py. Each check's docstring is the title students see; its points are in
specs/adder.yaml. Call the student's code through `submission` and compare with the helpers of
grader.checks, so that a failure says what was called, what came back and what was expected."""

from hypothesis import given
from hypothesis import strategies as st

from grader.checks import close, equal, raises

weights = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3),
    st.floats(min_value=0.01, max_value=1e6),
    min_size=1,
    max_size=8,
)


def test_examples(submission)
    """normalise({"cat": 1, "dog": 3}) is {"cat": 0.25, "dog": 0.75}"""
    equal(submission.normalise({"cat": 1, "dog": 3}), {"cat": 0.25, "dog": 0.75})
    equal(submission.normalise({"only": 5}), {"only": 1.0})


@given(weights)
def test_sums_to_one(submission, weights):
    """normalise gives probabilities that sum to 1, one per token"""
    result = submission.normalise(weights)
    equal(sorted(result), sorted(weights), what="the tokens of normalise(...)")
    close(sum(result.values()), 1.0, rel=1e-6, what="the sum of normalise(...)")


def test_rejects_invalid(submission):
    """normalise raises ValueError for no weights, all-zero weights and negative weights"""
    for bad in ({}, {"a": 0}, {"a": 2, "b": -1}):
        with raises(ValueError, what=f"normalise({bad!r})"):
            submission.normalise(bad)
