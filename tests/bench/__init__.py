"""Tests of the benchmarks (bench/): the seed's data and an end-to-end run."""
