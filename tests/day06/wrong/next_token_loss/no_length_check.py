"""Wrong: The lesson's code as printed: no ValueError for fewer than two tokens (it divides
by zero, or by -1 for an empty text).
"""

# fails: test_too_few_tokens_raises

import math


def cross_entropy(predicted, target):
    probability = predicted.get(target, 0.0)
    if probability <= 0:
        return math.inf
    return -math.log(probability)


def next_token_prediction_loss(model, text_tokens):
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
