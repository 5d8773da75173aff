"""Checks of word_count.py. Each check's docstring is the title students see; its points are in
specs/word_count.yaml."""

from hypothesis import given
from hypothesis import strategies as st

from grader.checks import equal, fail, raises

# Words without whitespace: short strings of letters and a little punctuation.
words = st.text("abcxyzAZ'-.", min_size=1, max_size=6)
word_lists = st.lists(words, min_size=0, max_size=8)


def test_count_examples(submission):
    """count_words("hello world") is 2, and a text with no words counts 0"""
    equal(submission.count_words("hello world"), 2)
    equal(submission.count_words("one"), 1)
    equal(submission.count_words("the grader is patient"), 4)
    equal(submission.count_words(""), 0)
    equal(submission.count_words("   "), 0)


def test_count_any_whitespace(submission):
    """count_words treats tabs, newlines and runs of spaces as one separator"""
    equal(submission.count_words("one\ttwo three"), 3)
    equal(submission.count_words("to be  or\tnot"), 4)
    equal(submission.count_words("  leading and trailing  "), 3)
    equal(submission.count_words("line one\nline two\n"), 4)


@given(word_lists)
def test_count_joined_words(submission, words):
    """count_words(" ".join(words)) is len(words), for any list of words"""
    text = " ".join(words)
    got = submission.count_words(text)
    if isinstance(got, bool) or not isinstance(got, int) or got != len(words):
        fail(f"count_words({text!r}) returned {got!r}; expected {len(words)} "
             f"(the text is the words {words!r} joined with spaces)", got=got)


def test_longest_examples(submission):
    """longest_word("the grader is patient") is "patient\""""
    equal(submission.longest_word("the grader is patient"), "patient")
    equal(submission.longest_word("word"), "word")
    equal(submission.longest_word("  a\tbb\nccc  "), "ccc")


def test_longest_first_of_ties(submission):
    """longest_word returns the first of several equally long words"""
    equal(submission.longest_word("ab cd"), "ab")
    equal(submission.longest_word("x yes no abc"), "yes")


def test_longest_rejects_empty(submission):
    """longest_word raises ValueError for a text with no words"""
    for text in ("", "   ", "\n\t"):
        with raises(ValueError, what=f"longest_word({text!r})"):
            submission.longest_word(text)
