"""Province-scale data generation and benchmarks (see README.md)."""
