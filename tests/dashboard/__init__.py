"""Tests of `dashboard`."""
