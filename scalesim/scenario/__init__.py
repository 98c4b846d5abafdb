"""What a user writes: scenario files, their validation, and the priors drawn from them."""
