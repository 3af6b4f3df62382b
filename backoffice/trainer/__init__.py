"""The NLU trainers' room: the inbox of misunderstood messages, labels, export, train-evaluate-promote, review."""
