"""The report build: the report list, executing notebooks, rendering HTML, the index."""
