"""What app.py needs beyond widgets: state, editors, display units, the method page."""
