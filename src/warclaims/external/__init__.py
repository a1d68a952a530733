"""Datasets from outside the project, one importer each, read beside the article's claims."""
