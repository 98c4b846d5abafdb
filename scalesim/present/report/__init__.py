"""The policy report: data for the notebook, its sensitivity section, and the build."""
