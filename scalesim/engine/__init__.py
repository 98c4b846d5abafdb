"""How one run happens: :func:`scalesim.engine.run.run`, backends, summaries, results."""
