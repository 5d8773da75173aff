"""Wrong: Calls math.log(0) for a target of probability 0, which raises ValueError instead
of giving math.inf.
"""

# fails: test_cross_entropy_impossible_target

import math


def cross_entropy(predicted, target):
    probability = predicted.get(target, 0.0)
    return -math.log(probability)


def next_token_prediction_loss(model, text_tokens):
    if len(text_tokens) < 2:
        raise ValueError("need at least two tokens")
    total_loss = 0.0
    for i in range(1, len(text_tokens)):
        context = text_tokens[:i]
        target = text_tokens[i]
        total_loss += cross_entropy(model(context), target)
    return total_loss / (len(text_tokens) - 1)


def perplexity(loss):
    try:
        return math.exp(loss)
    except OverflowError:
        return math.inf
