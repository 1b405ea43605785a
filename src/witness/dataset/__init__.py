"""Reading, validating and building the dataset, and locating its store (see README.md)."""
