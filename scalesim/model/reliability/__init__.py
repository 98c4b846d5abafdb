"""The reliability of one training run: SimPy cluster model and goodput tables."""
