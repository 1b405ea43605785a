"""Linked-data descriptions, pages, dumps and VoID of the dataset (see README.md)."""
