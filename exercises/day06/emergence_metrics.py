"""Day 6, exercise 3: is emergence a property of the model or of the metric?

The lesson asks you to "research the argument that emergent abilities are 'measurement
artifacts' and form your own opinion". This file lets you reproduce the core of that argument
with four small functions.

The claim being tested. Wei et al. 2022 (arXiv 2206.07682) define: "We consider an ability to be
emergent if it is not present in smaller models but is present in larger models." Schaeffer,
Miranda and Koyejo 2023, "Are Emergent Abilities of Large Language Models a Mirage?" (arXiv
2304.15004, NeurIPS 2023), answer that "emergent abilities appear due the researcher's choice of
metric rather than due to fundamental changes in model behavior with scale. Specifically,
nonlinear or discontinuous metrics produce apparent emergent abilities, whereas linear or
continuous metrics produce smooth, continuous, predictable changes in model performance."

Their argument (section 2) in three steps:

1. The per-token loss falls smoothly with scale, and the chance of getting one token right is
   p = exp(-L_CE), with the cross-entropy L_CE in nats.
2. Exact string match needs every one of the L tokens of an answer to be right. If the tokens
   were independent, that happens with probability p ** L. This is nonlinear in p: at L = 20,
   p = 0.90 gives 0.122 and p = 0.99 gives 0.818, while the loss only moves from 0.105 to
   0.010 nats.
3. Token edit distance, the expected number of wrong tokens, is L * (1 - p): linear in the
   per-token error, so it improves smoothly and predictably.

They are careful about step 2: "While the independence assumption is not true, the
approximation yields results qualitatively matching the observed emergence claims." The sharp
jump shows up "on a linear-log plot", with model scale on a log axis.

Quote their numbers precisely. They found that two metrics, Multiple Choice Grade and Exact
String Match, "account for > 92% of claimed emergent abilities" in the hand-annotated BIG-Bench
task-metric-model triplets. That is not "92% of BIG-Bench metrics": "of the 39 preferred metrics
in BIG-Bench, at most 5 display emergence". And they do not say LLMs cannot have emergent
abilities: "nothing in this paper should be interpreted as claiming that large language models
cannot display emergent abilities" (section 7).

The debate goes on. Du et al. 2024 (arXiv 2403.15796, NeurIPS 2024) find that a model shows
emergent abilities on some tasks "regardless of the continuity of metrics" once its pre-training
loss "falls below a specific threshold", and redefine emergence in terms of pre-training loss.

You implement:

    per_token_accuracy(cross_entropy_loss)          exp(-loss)
    exact_match_accuracy(per_token_accuracy, L)     p ** L
    expected_token_edit_distance(per_token_accuracy, L)   L * (1 - p)
    exact_match_curve(per_token_curve, L)           p ** L for every model size of a curve

Run this file (`python emergence_metrics.py`) to print the p ** L table and watch a smooth
per-token curve turn into a sharp exact-match curve; `grade day06 emergence_metrics` checks
your work.
"""


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
    raise NotImplementedError("TODO: check the loss, then return math.exp(-loss)")


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
    raise NotImplementedError("TODO: check p and L, then return p ** L")


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
    raise NotImplementedError("TODO: check p and L, then return L * (1 - p)")


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
    raise NotImplementedError("TODO: apply exact_match_accuracy to every p of the curve")


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
