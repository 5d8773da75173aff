"""Day 0: counting words, to try the grader's feedback loop.

Write the two functions below. Then run

    grade day00 word_count

read what the report says (which call went wrong, what came back, what was expected), fix your
code, and grade again until the exercise shows ✓.

A word is a run of characters without whitespace: "to be  or\tnot" has 4 words.
"""


def count_words(text):
    """The number of whitespace-separated words in `text`, as an int.

    count_words("hello world") is 2; count_words("") and count_words("   ") are 0.
    Spaces, tabs and newlines all separate words, and several in a row count as one.
    """
    raise NotImplementedError


def longest_word(text):
    """The longest word of `text`, as a str.

    longest_word("the grader is patient") is "patient". When several words are equally long,
    return the first of them: longest_word("ab cd") is "ab". Raise ValueError when the text has
    no words at all ("" or only whitespace).
    """
    raise NotImplementedError
