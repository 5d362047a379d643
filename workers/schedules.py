"""Imports every module that registers reactions."""
