"""Parsing, chunking, embedding and storage of UN statements (imports no project package)."""
