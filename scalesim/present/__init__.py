"""How results look: text (every number formatted for people), charts, reports."""
