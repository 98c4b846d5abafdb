"""What the world is: the vocabulary (variables, parameters, ceilings) and pure math.

Imports nothing from scalesim but :mod:`scalesim.errors` (ARCHITECTURE.md, Layout).
"""
