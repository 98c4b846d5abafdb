"""Pure array-API kernels of model v1.

Shapes are ``(sample, 1)`` for parameters and ``(1, year)`` for time, broadcasting to
``(sample, year)``. Kernels work on natural logarithms of positive quantities (``log_*``):
products become sums, growth becomes a multiply-add, and one exponential at the end (or none,
where the logarithm is what gets summarised) recovers the value. They import no numpy,
pandas, yaml or pint: every array call goes through the ``xp`` namespace passed in.
"""
