"""Checks of next_token_loss.py: cross-entropy in nats, its mean over a text, and perplexity."""

import math
from collections import namedtuple
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from grader.checks import close, fail, number, raises

VOCABULARY = [
    "The", "weather", "today", "is", "really", "nice", "cold", "warm", "a", "cat",
    "sat", "on", "mat", "dog", "ran", "and", "it", "was", "sunny", "day",
    "we", "went", "out", "to", "play", "in", "park", "rain", "fell", ".",
]  # fmt: skip

# The model is called back once per position, so texts stay short.
MAX_TOKENS = 8


def uniform_model_over(vocabulary):
    """A model that knows nothing: every token of `vocabulary` gets 1 / V."""

    def uniform_model(context):
        return {token: 1 / len(vocabulary) for token in vocabulary}

    return uniform_model


def table_model_for(text, predictions, fallback):
    """A model that answers predictions[k] after reading text[:k], and `fallback` otherwise."""

    def table_model(context):
        context = list(context)
        k = len(context)
        if k < len(predictions) and context == list(text[:k]):
            return dict(predictions[k])
        return dict(fallback)

    return table_model


def certain_model_for(text, vocabulary):
    """A model that always gives the token that really comes next probability 1."""
    predictions = [
        {token: 1.0 if token == following else 0.0 for token in vocabulary} for following in text
    ]
    uniform = {token: 1 / len(vocabulary) for token in vocabulary}
    model = table_model_for(text, predictions, uniform)
    model.__name__ = "certain_model"
    return model


Text = namedtuple("Text", "vocabulary text")
TextAndModel = namedtuple("TextAndModel", "text predictions otherwise")


@st.composite
def texts(draw, max_vocabulary=30):
    """A vocabulary of V tokens and a text of 2 to 8 of them."""
    size = draw(st.integers(1, max_vocabulary))
    vocabulary = VOCABULARY[:size]
    text = draw(st.lists(st.sampled_from(vocabulary), min_size=2, max_size=MAX_TOKENS))
    return Text(vocabulary, text)


@st.composite
def texts_with_models(draw):
    """A text and the model's prediction after reading 0, 1, ..., n - 1 of its tokens.

    Each prediction spreads 20 twentieths over up to 6 tokens, none of them 0: a prediction
    reads {'The': 0.35, 'weather': 0.65}. `otherwise` answers any other context.
    """
    vocabulary, text = draw(texts(max_vocabulary=6))

    def prediction():
        cuts = draw(
            st.lists(
                st.integers(1, 19),
                min_size=len(vocabulary) - 1,
                max_size=len(vocabulary) - 1,
                unique=True,
            )
        )
        bounds = [0, *sorted(cuts), 20]
        shares = [high - low for low, high in pairwise(bounds)]
        return {token: share / 20 for token, share in zip(vocabulary, shares, strict=True)}

    predictions = [prediction() for _ in text]
    return TextAndModel(text, predictions, prediction())


def test_cross_entropy_examples(submission):
    """cross_entropy is -ln p(target) in nats: ln 2 for p = 0.5, ln 4 for p = 0.25, 0 for p = 1"""
    predicted = {"nice": 0.5, "cold": 0.25, "warm": 0.25}
    close(submission.cross_entropy(predicted, "nice"), math.log(2))
    close(submission.cross_entropy(predicted, "cold"), math.log(4))
    close(submission.cross_entropy({"nice": 1.0}, "nice"), 0.0, abs=1e-12)
    close(submission.cross_entropy({"nice": 0.9, "cold": 0.1}, "nice"), -math.log(0.9))


def test_cross_entropy_impossible_target(submission):
    """A target with probability 0, or missing from the prediction, costs math.inf"""
    close(submission.cross_entropy({"nice": 1.0, "cold": 0.0}, "cold"), math.inf)
    close(submission.cross_entropy({"nice": 1.0}, "cold"), math.inf)
    text = ["The", "weather", "is", "cold"]
    predictions = [{"The": 1.0}, {"weather": 1.0}, {"is": 1.0}, {"nice": 1.0, "cold": 0.0}]
    model = table_model_for(text, predictions, {"nice": 1.0, "cold": 0.0})
    model.__name__ = "model_sure_of_nice"
    close(submission.next_token_prediction_loss(model, text), math.inf)


@given(texts())
def test_uniform_model(submission, case):
    """A model spreading its probability evenly over V tokens has loss ln V on any text"""
    vocabulary, text = case
    model = uniform_model_over(vocabulary)
    close(submission.next_token_prediction_loss(model, text), math.log(len(vocabulary)), abs=1e-12)


@given(texts())
def test_certain_model(submission, case):
    """A model that gives each next token probability 1 has loss 0"""
    vocabulary, text = case
    model = certain_model_for(text, vocabulary)
    close(submission.next_token_prediction_loss(model, text), 0.0, abs=1e-12)


@given(texts_with_models())
def test_never_negative(submission, case):
    """The loss is never negative: every probability is at most 1"""
    text, predictions, otherwise = case
    model = table_model_for(text, predictions, otherwise)
    loss = number(submission.next_token_prediction_loss(model, text))
    if loss < 0:
        fail(
            f"next_token_prediction_loss(table_model, {text!r}) returned {loss!r}; "
            "a loss of -ln p is never negative",
            got=loss,
        )


@given(texts_with_models())
def test_loss_is_mean(submission, case):
    """The loss is the mean over i = 1..n-1 of -ln p(text[i] | text[:i])"""
    text, predictions, otherwise = case
    model = table_model_for(text, predictions, otherwise)
    losses = [-math.log(predictions[i][text[i]]) for i in range(1, len(text))]
    expected = sum(losses) / len(losses)
    close(
        submission.next_token_prediction_loss(model, text),
        expected,
        rel=1e-9,
        abs=1e-12,
        what=f"next_token_prediction_loss(table_model, {text!r}), where table_model(text[:k]) "
        "returns predictions[k],",
    )


def test_too_few_tokens_raises(submission):
    """A text of fewer than two tokens has nothing to predict: ValueError"""
    model = uniform_model_over(["nice", "cold"])
    with raises(ValueError):
        submission.next_token_prediction_loss(model, ["nice"])
    with raises(ValueError):
        submission.next_token_prediction_loss(model, [])


@given(st.integers(1, 200_000))
def test_perplexity_is_exp(submission, vocabulary_size):
    """perplexity(loss) is exp(loss): the uniform loss ln V gives V (and loss 0 gives 1)"""
    loss = math.log(vocabulary_size)
    close(submission.perplexity(loss), vocabulary_size, rel=1e-9)


def test_perplexity_huge_loss_is_inf(submission):
    """perplexity is math.inf for an infinite loss, and for a loss too large for exp()"""
    close(submission.perplexity(math.inf), math.inf)
    close(submission.perplexity(1000.0), math.inf)
    close(submission.perplexity(709.0), math.exp(709.0), rel=1e-9)
