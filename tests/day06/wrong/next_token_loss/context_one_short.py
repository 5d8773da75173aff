"""Wrong: Off by one: the context text_tokens[:i - 1] leaves out the token just before the
target.
"""

# fails: test_certain_model, test_loss_is_mean

import math


def cross_entropy(predicted, target):
    probability = predicted.get(target, 0.0)
    if probability <= 0:
        return math.inf
    return -math.log(probability)


def next_token_prediction_loss(model, text_tokens):
    if len(text_tokens) < 2:
        raise ValueError("need at least two tokens")
    total_loss = 0.0
    for i in range(1, len(text_tokens)):
        context = text_tokens[: i - 1]
        target = text_tokens[i]
        total_loss += cross_entropy(model(context), target)
    return total_loss / (len(text_tokens) - 1)


def perplexity(loss):
    try:
        return math.exp(loss)
    except OverflowError:
        return math.inf
