"""Bank customer-tiering warehouse: sample-data generator, CLI and build helpers."""

__version__ = "0.1.0"
