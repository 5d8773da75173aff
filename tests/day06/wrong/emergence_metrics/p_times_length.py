"""Mistake: exact_match_accuracy returns p * L instead of p ** L.

It can exceed 1, grows with the answer length, and its curve is only a rescaled copy of
the per-token curve, no sharper for longer answers.
"""

# fails: test_table, test_exact_match, test_monotone, test_curve, test_sharper_curve

import math


def _check_probability(p):
    if isinstance(p, bool) or not isinstance(p, int | float) or math.isnan(p):
        raise ValueError(f"a per-token accuracy must be a number, got {p!r}")
    if not 0 <= p <= 1:
        raise ValueError(f"a per-token accuracy must be between 0 and 1, got {p!r}")


def _check_length(length):
    if isinstance(length, bool) or not isinstance(length, int):
        raise ValueError(f"answer_length must be an int, got {length!r}")
    if length < 1:
        raise ValueError(f"answer_length must be at least 1, got {length!r}")


def per_token_accuracy(cross_entropy_loss):
    """The chance of predicting one token right, from the per-token loss: exp(-loss).

    Args:
        cross_entropy_loss: the mean cross-entropy per token, in nats (natural log), a float
            or an int >= 0. float("inf") is allowed: the model gave the right token
            probability 0.

    Returns:
        math.exp(-cross_entropy_loss), a float in [0, 1]: 1.0 for a loss of 0,
        0.5 for a loss of ln 2 = 0.693 nats, 0.0 for an infinite loss.

    Raises:
        ValueError: if the loss is negative, NaN, a bool or not a number.
    """
    loss = cross_entropy_loss
    if isinstance(loss, bool) or not isinstance(loss, int | float) or math.isnan(loss):
        raise ValueError(f"the loss must be a number, got {loss!r}")
    if loss < 0:
        raise ValueError(f"a cross-entropy loss is never negative, got {loss!r}")
    return math.exp(-loss)


def exact_match_accuracy(per_token_accuracy, answer_length):
    """The chance that all `answer_length` tokens of an answer are right: p ** L.

    Tokens are assumed to be right or wrong independently (Schaeffer et al.'s approximation).

    Args:
        per_token_accuracy: p, the chance of getting one token right: a float or int in
            [0, 1] (not a bool, not NaN).
        answer_length: L, the number of tokens in the answer: an int >= 1 (not a bool and
            not a float, even 5.0).

    Returns:
        p ** L as a float in [0, 1]. exact_match_accuracy(0.9, 20) is 0.1216 (to 4 places);
        exact_match_accuracy(0.99, 20) is 0.8179.

    Raises:
        ValueError: if p or L is not valid as described above.
    """
    _check_probability(per_token_accuracy)
    _check_length(answer_length)
    return float(per_token_accuracy) * answer_length


def expected_token_edit_distance(per_token_accuracy, answer_length):
    """The expected number of wrong tokens in an answer of `answer_length` tokens: L * (1 - p).

    Args:
        per_token_accuracy: p, as for exact_match_accuracy.
        answer_length: L, as for exact_match_accuracy.

    Returns:
        L * (1 - p) as a float in [0, L]: 0.0 when p is 1, L when p is 0.
        expected_token_edit_distance(0.95, 20) is 1.0: one wrong token in twenty.

    Raises:
        ValueError: if p or L is not valid, as for exact_match_accuracy.
    """
    _check_probability(per_token_accuracy)
    _check_length(answer_length)
    return answer_length * (1.0 - per_token_accuracy)


def exact_match_curve(per_token_curve, answer_length):
    """An exact-match curve over model sizes, from the per-token accuracy curve.

    Args:
        per_token_curve: a list of per-token accuracies p, one per model size (smallest model
            first), each valid as for exact_match_accuracy. It may be empty.
        answer_length: L, the same for every model: an int >= 1, as for exact_match_accuracy.

    Returns:
        A new list of the same length: exact_match_accuracy(p, answer_length) for each p, in
        the same order. For [0.5, 0.9, 0.99] and L = 20 that is about [0.000001, 0.122, 0.818]:
        near zero, then a sudden climb, although p rose smoothly.

    Raises:
        ValueError: if answer_length or any p is not valid.
    """
    _check_length(answer_length)
    return [exact_match_accuracy(p, answer_length) for p in per_token_curve]


if __name__ == "__main__":
    lengths = [1, 5, 10, 20, 50]
    print("exact match p ** L")
    print("  p \\ L " + "".join(f"{length:>8}" for length in lengths))
    for p in [0.5, 0.8, 0.9, 0.95, 0.99]:
        row = "".join(f"{exact_match_accuracy(p, length):>8.3f}" for length in lengths)
        print(f"  {p:<6}" + row)

    # Per-token losses of five ever larger models: the loss falls smoothly with scale.
    losses = [0.69, 0.22, 0.105, 0.051, 0.010]
    curve = [per_token_accuracy(loss) for loss in losses]
    print("\nloss (nats)  per-token p  exact match, L=20  edit distance, L=20")
    for loss, p, exact in zip(losses, curve, exact_match_curve(curve, 20), strict=True):
        distance = expected_token_edit_distance(p, 20)
        print(f"{loss:>11.3f}  {p:>11.3f}  {exact:>17.3f}  {distance:>19.2f}")
