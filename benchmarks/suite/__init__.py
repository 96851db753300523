"""The benchmark suite: tasks (and held-out ones, for checking a default beyond them), one ask/tell
interface over every method, the runner and the report."""
