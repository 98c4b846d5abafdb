"""scalesim."""
