"""Counting words (word_count): the model solution."""


def count_words(text):
    """The number of whitespace-separated words in `text`, as an int."""
    return len(text.split())


def longest_word(text):
    """The longest word of `text` (the first of the longest ones), as a str."""
    words = text.split()
    if not words:
        raise ValueError("the text has no words")
    return max(words, key=len)
