"""Tests of `pages`."""
