"""Retrieval, answering with checked citations, settings and the command line."""
