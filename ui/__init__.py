"""Gradio user interface: chat with evidence, search, evaluation and library tabs."""
