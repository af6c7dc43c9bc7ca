"""Declared text-classification experiments: data → vectors → model → results → figures."""
