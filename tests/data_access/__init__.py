"""Tests of `data_access`."""
