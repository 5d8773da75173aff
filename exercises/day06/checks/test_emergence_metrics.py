"""Checks of emergence_metrics.py: Schaeffer et al.'s p ** L argument, in numbers."""

import math

from hypothesis import given
from hypothesis import strategies as st

from grader.checks import close, fail, number, raises

PROBABILITIES = st.floats(min_value=0.0, max_value=1.0)
LENGTHS = st.integers(min_value=1, max_value=200)

# Exact match p ** L as printed in the course notes (facts.md), rounded to 2 or 3 places;
# "~0" is written 0.
TABLE_LENGTHS = (1, 5, 10, 20, 50)
TABLE = {
    0.50: (0.50, 0.031, 0.001, 0.0, 0.0),
    0.80: (0.80, 0.328, 0.107, 0.012, 0.0),
    0.90: (0.90, 0.590, 0.349, 0.122, 0.005),
    0.95: (0.95, 0.774, 0.599, 0.358, 0.077),
    0.99: (0.99, 0.951, 0.904, 0.818, 0.605),
}


def test_table(submission):
    """exact_match_accuracy matches the p ** L table for p = 0.5 ... 0.99 and L = 1 ... 50"""
    for p, row in TABLE.items():
        for length, expected in zip(TABLE_LENGTHS, row, strict=True):
            # the table is rounded to 3 places: allow half a unit of the last place
            close(submission.exact_match_accuracy(p, length), expected, abs=0.0005)


@given(PROBABILITIES, LENGTHS)
def test_exact_match(submission, p, length):
    """exact_match_accuracy(p, L) is p ** L: all L tokens right, each with chance p"""
    close(submission.exact_match_accuracy(p, length), p**length, rel=1e-9, abs=1e-12)


@given(PROBABILITIES, PROBABILITIES, LENGTHS, LENGTHS)
def test_monotone(submission, p1, p2, length1, length2):
    """exact match stays in [0, 1], rises with p and falls as the answer gets longer"""
    low, high = sorted((p1, p2))
    short, long = sorted((length1, length2))
    base = number(submission.exact_match_accuracy(low, short))
    if not 0 <= base <= 1:
        fail(
            f"exact_match_accuracy({low!r}, {short}) returned {base!r}; a probability must be "
            "between 0 and 1",
            got=base,
        )
    better = number(submission.exact_match_accuracy(high, short))
    if not better >= base - 1e-12:
        fail(
            f"exact_match_accuracy({high!r}, {short}) returned {better!r}, less than "
            f"exact_match_accuracy({low!r}, {short}) = {base!r}: a higher per-token accuracy "
            "cannot lower the exact-match accuracy"
        )
    longer = number(submission.exact_match_accuracy(low, long))
    if not longer <= base + 1e-12:
        fail(
            f"exact_match_accuracy({low!r}, {long}) returned {longer!r}, more than "
            f"exact_match_accuracy({low!r}, {short}) = {base!r}: a longer answer cannot be "
            "easier to get exactly right"
        )


def test_edit_distance_values(submission):
    """expected_token_edit_distance: 20 tokens at p = 0.95 give 1 wrong token, p = 0 gives L"""
    cases = [
        ((0.95, 20), 1.0),
        ((0.8, 5), 1.0),
        ((0.99, 10), 0.1),
        ((0.9, 20), 2.0),
        ((0.5, 1), 0.5),
        ((1.0, 50), 0.0),
        ((0.0, 7), 7.0),
    ]
    for (p, length), expected in cases:
        close(submission.expected_token_edit_distance(p, length), expected, rel=1e-9, abs=1e-12)


@given(PROBABILITIES, LENGTHS)
def test_edit_distance_linear(submission, p, length):
    """expected_token_edit_distance(p, L) is L x (1 - p): linear in the per-token error"""
    got = number(submission.expected_token_edit_distance(p, length))
    if not -1e-9 <= got <= length + 1e-9:
        fail(
            f"expected_token_edit_distance({p!r}, {length}) returned {got!r}; the number of "
            f"wrong tokens must be between 0 and {length}",
            got=got,
        )
    close(got, length * (1 - p), rel=1e-9, abs=1e-9)


def test_per_token_values(submission):
    """per_token_accuracy(loss) is exp(-loss): 0 nats -> 1, ln 2 = 0.693 nats -> 0.5"""
    close(submission.per_token_accuracy(0.0), 1.0)
    for p in (0.5, 0.8, 0.9, 0.95, 0.99):
        close(submission.per_token_accuracy(-math.log(p)), p, rel=1e-9)
    close(submission.per_token_accuracy(math.inf), 0.0)


@given(st.floats(min_value=0.0, max_value=50.0), st.floats(min_value=0.0, max_value=50.0))
def test_per_token_property(submission, loss1, loss2):
    """per_token_accuracy is exp(-loss), in [0, 1], and falls as the loss grows"""
    low, high = sorted((loss1, loss2))
    best = submission.per_token_accuracy(low)
    close(best, math.exp(-low), rel=1e-9, abs=1e-300)
    worse = submission.per_token_accuracy(high)
    close(worse, math.exp(-high), rel=1e-9, abs=1e-300)


@given(st.lists(PROBABILITIES, max_size=12), st.integers(min_value=1, max_value=60))
def test_curve(submission, curve, length):
    """exact_match_curve(curve, L) is [p ** L for each p], same length, same order"""
    got = submission.exact_match_curve(curve, length)
    if not isinstance(got, list | tuple):
        fail(f"exact_match_curve returned a {type(got).__name__}; expected a list", got=got)
    if len(got) != len(curve):
        fail(
            f"exact_match_curve(curve, {length}) returned {len(got)} values for a curve of "
            f"{len(curve)}; expected one per model size",
            got=got,
        )
    for position, (value, p) in enumerate(zip(got, curve, strict=True)):
        close(
            value,
            p**length,
            rel=1e-9,
            abs=1e-12,
            what=f"exact_match_curve(curve, {length})[{position}] (for p = {p!r})",
        )


@st.composite
def rising_curves(draw):
    """A rising per-token curve (steps of at least 0.01), a split point and two lengths."""
    hundredths = draw(st.lists(st.integers(0, 100), min_size=3, max_size=10, unique=True))
    curve = [n / 100 for n in sorted(hundredths)]
    split = draw(st.integers(1, len(curve) - 2))
    short = draw(st.integers(1, 30))
    long = draw(st.integers(short + 1, 40))
    return curve, split, short, long


def late_share(values, split, call):
    """The share of the curve's whole rise that comes after position `split`."""
    numbers = [number(v, what=f"{call}[{n}]") for n, v in enumerate(values)]
    rise = numbers[-1] - numbers[0]
    if not rise > 0:
        fail(
            f"{call} does not rise (first value {numbers[0]!r}, last {numbers[-1]!r}) although "
            "the per-token accuracy rises"
        )
    return (numbers[-1] - numbers[split]) / rise


@given(rising_curves())
def test_sharper_curve(submission, case):
    """exact_match_curve is sharper for longer answers: more of its rise comes at the end"""
    curve, split, short, long = case
    shares = []
    for length in (short, long):
        call = f"exact_match_curve(curve, {length})"
        values = submission.exact_match_curve(curve, length)
        if not isinstance(values, list | tuple) or len(values) != len(curve):
            fail(f"{call} did not return one value per point of the curve", got=values)
        shares.append(late_share(values, split, call))
    before, after = shares
    # For p ** L the share after the split point never shrinks as L grows (x -> x ** (L2 / L1)
    # is convex). Whenever it is between 1% and 99% it grows by at least 7e-4 on these curves
    # (worked out over every such curve and L up to 40), so requiring 1e-6 is safe.
    visible = 0.01 <= before <= 0.99
    if after < before - 1e-9 or (visible and after < before + 1e-6):
        fail(
            f"for the rising per-token curve {curve}, {before:.1%} of the exact-match rise comes "
            f"after point {split} with answer_length={short}, and {after:.1%} with "
            f"answer_length={long}; with a longer answer more of the rise should come late "
            "(a sharper, more 'emergent' curve)"
        )


def test_rejects_invalid(submission):
    """p outside [0, 1], NaN or bool, L < 1 or not an int, and negative losses raise ValueError"""
    for p in (-0.1, 1.5, math.nan, math.inf, True):
        with raises(ValueError):
            submission.exact_match_accuracy(p, 5)
        with raises(ValueError):
            submission.expected_token_edit_distance(p, 5)
    for length in (0, -3, 5.0, True):
        with raises(ValueError):
            submission.exact_match_accuracy(0.9, length)
        with raises(ValueError):
            submission.expected_token_edit_distance(0.9, length)
        with raises(ValueError):
            submission.exact_match_curve([0.5, 0.9], length)
    with raises(ValueError):
        submission.exact_match_curve([0.5, 1.5], 5)
    for loss in (-0.5, math.nan, True):
        with raises(ValueError):
            submission.per_token_accuracy(loss)
