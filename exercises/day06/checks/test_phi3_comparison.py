"""Checks of phi3_comparison.py: the Chinchilla budget against real models' training tokens.

The checks read data/models.csv themselves and pass its rows to compare_models as plain data, so
they do not depend on how (or whether) a submission reads files.
"""

import csv
import math
from fractions import Fraction
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import CheckFailed, close, equal, raises

DATA = Path(__file__).resolve().parent.parent / "data" / "models.csv"
FIELDS = {
    "name",
    "params_billions",
    "tokens_billions",
    "tokens_per_parameter",
    "overtraining_factor",
}
CSV_CALL = "compare_models(<the rows of data/models.csv>)"


def csv_rows():
    """The rows of models.csv as compare_models receives them: numbers already floats."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "name": row["name"],
                "params_billions": float(row["params_billions"]),
                "tokens_billions": float(row["tokens_billions"]),
                "source": row["source"],
            }
            for row in csv.DictReader(handle)
        ]


def mismatch(summary, call, *, expected=None, got=None):
    """A failed check that names the call it is about."""
    return CheckFailed(summary, call=call, expected=expected, got=got)


def output_rows(result, call, *, needs=("name",)):
    """`result` as a list of dicts that have the keys in `needs`, or a failed check."""
    if not isinstance(result, list | tuple):
        raise mismatch(
            f"{call} returned a {type(result).__name__}; expected a list of dicts",
            call,
            expected="a list of dicts",
            got=type(result).__name__,
        )
    for position, row in enumerate(result):
        if not isinstance(row, dict):
            raise mismatch(
                f"{call}: item {position} is a {type(row).__name__}, not a dict",
                call,
                expected="a dict per model",
                got=type(row).__name__,
            )
        for key in needs:
            if key not in row:
                raise mismatch(
                    f"{call}: the dict at position {position} has no key {key!r}",
                    call,
                    expected=f"a {key!r} key",
                    got=repr(sorted(row)),
                )
    return list(result)


def expected_order(models):
    """Names sorted by overtraining factor (largest first), then by name; exact arithmetic."""

    def key(model):
        factor = Fraction(model["tokens_billions"]) / (20 * Fraction(model["params_billions"]))
        return (-factor, model["name"])

    return [model["name"] for model in sorted(models, key=key)]


def first_difference(got, expected):
    """The first position where two lists of names differ."""
    for position, (a, b) in enumerate(zip(got, expected, strict=False)):
        if a != b:
            return position
    return min(len(got), len(expected))


def test_lesson_examples(submission):
    """overtraining_factor: Phi-3-mini is ≈43.4x its budget, Llama 3 8B 93.75x, Chinchilla 1x"""
    close(submission.overtraining_factor(3.8, 3300), 3300 / 76)
    close(submission.overtraining_factor(8, 15000), 93.75)
    close(submission.overtraining_factor(70, 1400), 1.0)
    close(submission.overtraining_factor(175, 300), 300 / 3500)


@given(
    st.floats(min_value=0.001, max_value=5000),
    st.floats(min_value=0.001, max_value=1e6),
)
def test_factor_formula(submission, params, tokens):
    """overtraining_factor(params, tokens) is tokens / (20 x params), for any positive sizes"""
    close(submission.overtraining_factor(params, tokens), tokens / (20 * params))


def test_rejects_bad_inputs(submission):
    """overtraining_factor raises ValueError for zero, negative, NaN, infinite and bool sizes"""
    bad = [
        (0, 3300),
        (3.8, 0),
        (-3.8, 3300),
        (3.8, -3300.0),
        (math.nan, 3300),
        (3.8, math.nan),
        (math.inf, 3300),
        (3.8, math.inf),
        (True, 3300),
        (3.8, True),
    ]
    for params, tokens in bad:
        with raises(ValueError):
            submission.overtraining_factor(params, tokens)
    zero = {
        "name": "empty model",
        "params_billions": 0.0,
        "tokens_billions": 100.0,
        "source": "none",
    }
    with raises(ValueError):
        submission.compare_models([zero])


def test_csv_values(submission):
    """compare_models on models.csv gives every model's tokens per parameter and factor"""
    models = csv_rows()
    result = output_rows(
        submission.compare_models(models),
        CSV_CALL,
        needs=("name", "tokens_per_parameter", "overtraining_factor"),
    )
    by_name = {row["name"]: row for row in result}
    for model in models:
        name, params, tokens = model["name"], model["params_billions"], model["tokens_billions"]
        row = by_name.get(name)
        if row is None:
            raise mismatch(
                f"{CSV_CALL} has no row for {name}", CSV_CALL, expected=f"a row named {name!r}"
            )
        for key, expected in (
            ("tokens_per_parameter", tokens / params),
            ("overtraining_factor", tokens / (20 * params)),
        ):
            got = row[key]
            ok = type(got) in (int, float) and math.isclose(got, expected, rel_tol=1e-9)
            if not ok:
                raise mismatch(
                    f"{CSV_CALL}: {name} ({params:g}B parameters, {tokens:g}B tokens) has "
                    f"{key} {got!r}; expected {expected:.6g}",
                    CSV_CALL,
                    expected=f"{expected:.6g}",
                    got=repr(got),
                )


def test_csv_order(submission):
    """compare_models on models.csv puts SmolLM2-135M (≈741x) first and Gopher (0.05x) last"""
    models = csv_rows()
    result = output_rows(submission.compare_models(models), CSV_CALL)
    got = [row["name"] for row in result]
    expected = expected_order(models)
    if got != expected:
        position = first_difference(got, expected)
        wanted = expected[position] if position < len(expected) else "nothing"
        found = got[position] if position < len(got) else "nothing"
        raise mismatch(
            f"{CSV_CALL}: position {position} holds {found}; expected {wanted} (largest "
            "overtraining factor first)",
            CSV_CALL,
            expected=", ".join(expected[:4]) + ", ...",
            got=", ".join(got[:4]) + ", ...",
        )


def test_output_fields(submission):
    """compare_models returns one dict per model, with exactly the five documented keys"""
    equal(submission.compare_models([]), [])
    models = csv_rows()
    result = output_rows(submission.compare_models(models), CSV_CALL)
    if len(result) != len(models):
        raise mismatch(
            f"{CSV_CALL} returned {len(result)} rows; expected {len(models)}",
            CSV_CALL,
            expected=str(len(models)),
            got=str(len(result)),
        )
    by_name = {model["name"]: model for model in models}
    for row in result:
        if set(row) != FIELDS:
            extra = sorted(set(row) - FIELDS)
            missing = sorted(FIELDS - set(row))
            raise mismatch(
                f"{CSV_CALL}: the row for {row.get('name', '?')} has keys {sorted(row)}"
                + (f"; {extra} should not be there" if extra else "")
                + (f"; {missing} are missing" if missing else ""),
                CSV_CALL,
                expected=", ".join(sorted(FIELDS)),
                got=", ".join(sorted(row)),
            )
        model = by_name.get(row["name"])
        if model is None:
            raise mismatch(
                f"{CSV_CALL} has a row named {row['name']!r}, which is not in the CSV",
                CSV_CALL,
                got=repr(row["name"]),
            )
        for key in ("params_billions", "tokens_billions"):
            if type(row[key]) is not float or row[key] != model[key]:
                raise mismatch(
                    f"{CSV_CALL}: {row['name']} has {key} {row[key]!r}; expected it copied "
                    f"from the input ({model[key]!r})",
                    CSV_CALL,
                    expected=repr(model[key]),
                    got=repr(row[key]),
                )


def model(name, params, tokens):
    """One input row, as compare_models receives it."""
    return {
        "name": name,
        "params_billions": float(params),
        "tokens_billions": float(tokens),
        "source": "made up for this check",
    }


@st.composite
def sizes(draw):
    """Parameters and tokens, often in one of a few ratios so that factors tie."""
    params = draw(st.one_of(st.sampled_from([1, 2, 3, 7, 8, 70]), st.integers(1, 2000)))
    if draw(st.booleans()):
        tokens = params * draw(st.sampled_from([20, 60, 2000]))  # factors 1, 3 and 100
    else:
        tokens = draw(st.integers(1, 100_000))
    return float(params), float(tokens)


MODELS = st.lists(
    st.builds(
        lambda name, size: model(name, *size),
        st.text(alphabet="ABCXYZabcxyz -.0123", min_size=1, max_size=6),
        sizes(),
    ),
    max_size=8,
    unique_by=lambda row: row["name"],
)
TIED = [model("Phi", 3, 180), model("Chin", 70, 1400), model("Alpha", 2, 40), model("Llama", 1, 60)]


@given(MODELS)
@example(models=TIED)
def test_sort_order(submission, models):
    """compare_models sorts by overtraining factor, largest first, and ties by name A to Z"""
    result = output_rows(submission.compare_models(models), "compare_models(models)")
    got = [row["name"] for row in result]
    own = {row["name"]: row.get("overtraining_factor") for row in result}
    if sorted(got) == sorted(m["name"] for m in models) and all(
        type(f) in (int, float) and f == f for f in own.values()
    ):
        # judge the order by the factors the student computed: a wrong factor is another check's
        expected = sorted(got, key=lambda name: (-own[name], name))
        factors = own
    else:
        expected = expected_order(models)
        factors = {m["name"]: m["tokens_billions"] / (20 * m["params_billions"]) for m in models}
    if got != expected:

        def listing(names):
            return ", ".join(
                f"{name!r} ({factors[name]:.4g}x)" if name in factors else repr(name)
                for name in names
            )

        raise mismatch(
            f"compare_models(models) returned the models in the order {listing(got)}; "
            f"expected {listing(expected)}: largest overtraining factor first, equal factors "
            "by name A to Z",
            "compare_models(models)",
        )
