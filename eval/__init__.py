"""Evaluation of retrieval (and later answers) against gold question sets; nothing imports it."""
