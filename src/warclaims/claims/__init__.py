"""The claim table: reading its CSV files, checking them, loading them typed, and its vocabulary."""
