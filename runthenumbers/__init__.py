"""Run the Numbers: the arithmetic of "CoreWeave is a time bomb", re-done from primary sources."""
