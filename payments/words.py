"""Amounts in Vietnamese words: moved down to onestop.documents.words (the postal slips print them too)."""

from onestop.documents.words import number_in_words, vnd_in_words

__all__ = ["number_in_words", "vnd_in_words"]
