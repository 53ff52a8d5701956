"""Tests of `geo`."""
